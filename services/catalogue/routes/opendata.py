"""Open-data downloads of the published fiches and their history, and the staff import."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, UploadFile
from fastapi.responses import JSONResponse, Response
from sqlmodel import Session, col, select

from services.catalogue import imports, opendata
from services.catalogue.dependencies import Moderator
from services.catalogue.fiche import SCHEMA_VERSION
from services.catalogue.models import UseCase, UseCaseStatus, UseCaseVersion
from services.common.body_limits import upload_limit
from services.common.database import SessionDep
from services.common.downloads import attachment
from services.common.errors import BadRequest, ProblemError

router = APIRouter(tags=["données ouvertes"])

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_IMPORT_BYTES = 5_000_000


def _published(session: Session) -> list[dict[str, Any]]:
    rows = session.exec(
        select(UseCase)
        .where(col(UseCase.status) == UseCaseStatus.PUBLISHED)
        .order_by(col(UseCase.id))
    ).all()
    return [opendata.record(row) for row in rows]


def _history(session: Session) -> list[dict[str, Any]]:
    versions = session.exec(
        select(UseCaseVersion)
        .where(col(UseCaseVersion.public))
        .order_by(col(UseCaseVersion.use_case_id), col(UseCaseVersion.number))
    ).all()
    return [opendata.history_record(version) for version in versions]


def _download(content: bytes, media_type: str, filename: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers=attachment(filename),
    )


def _envelope(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "licence": opendata.LICENCE,
        "schema_version": SCHEMA_VERSION,
        "generated_at": datetime.now(UTC).isoformat(),
        "items": items,
    }


@router.get(
    "/exports/use-cases.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
def export_csv(session: SessionDep) -> Response:
    """Fiches publiées en CSV (UTF-8 avec BOM, SIREN et code INSEE sur chaque ligne)."""
    return _download(
        opendata.to_csv(_published(session), opendata.COLUMNS), CSV_TYPE, "cas-d-usage-ia.csv"
    )


@router.get(
    "/exports/use-cases.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX_TYPE: {}}}},
)
def export_xlsx(session: SessionDep) -> Response:
    """Fiches publiées en XLSX."""
    return _download(
        opendata.to_xlsx(_published(session), opendata.COLUMNS), XLSX_TYPE, "cas-d-usage-ia.xlsx"
    )


@router.get("/exports/use-cases.json")
def export_json(session: SessionDep) -> JSONResponse:
    """Fiches publiées en JSON, avec la licence et la version du schéma."""
    return JSONResponse(
        _envelope(_published(session)),
        headers=attachment("cas-d-usage-ia.json"),
    )


@router.get(
    "/exports/use-cases-history.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
def export_history_csv(session: SessionDep) -> Response:
    """Historique complet des versions publiques, en CSV."""
    return _download(
        opendata.to_csv(_history(session), opendata.HISTORY_COLUMNS),
        CSV_TYPE,
        "cas-d-usage-ia-historique.csv",
    )


@router.get("/exports/use-cases-history.json")
def export_history_json(session: SessionDep) -> JSONResponse:
    """Historique complet des versions publiques, en JSON."""
    return JSONResponse(
        _envelope(_history(session)), headers=attachment("cas-d-usage-ia-historique.json")
    )


class ImportRejected(ProblemError):
    status = 422
    slug = "import-rejected"


@router.post(
    "/imports/use-cases",
    tags=["modération"],
    openapi_extra=upload_limit(MAX_IMPORT_BYTES),
    responses={
        401: {"description": "Jeton requis"},
        403: {"description": "Rôle modérateur requis"},
        413: {"description": "Fichier de plus de 5 Mo"},
        422: {"description": "Lignes refusées : rien n'est importé"},
    },
)
def import_use_cases(
    session: SessionDep, _moderator: Moderator, file: UploadFile
) -> dict[str, Any]:
    """Importe des fiches (CSV ou JSON) et les publie : toutes valides, ou aucune, avec le rapport des lignes refusées."""
    data = file.file.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise BadRequest("Fichier trop volumineux (5 Mo au plus).")
    name = (file.filename or "").lower()
    kind = "json" if name.endswith(".json") or (file.content_type or "").endswith("json") else "csv"
    try:
        rows = imports.parse(data, kind=kind)
    except ValueError as error:
        raise ImportRejected(f"Fichier illisible : {error}.") from error
    report = imports.import_rows(session, rows)
    if report.rejected:
        raise ImportRejected(
            f"{len(report.rejected)} ligne(s) sur {report.rows} refusée(s) : rien n'a été importé.",
            extra={"rows": report.rows, "imported": 0, "rejected": report.rejected},
        )
    return {"rows": report.rows, "imported": report.imported, "rejected": []}
