"""Open-data downloads of the published fiches and their history, their DCAT-AP description,
and the staff import.

Every download states its licence (Licence Ouverte 2.0, services.common.licences): in a `Link`
header (`rel="license"`) on each, with the address of the fiches' JSON Schema on the fiches'
(`rel="describedby"`; a version of the history is not a fiche); in the JSON envelope; in the
XLSX's "licence" sheet. A CSV has no place for it that every reader skips, so the header and
the DCAT description carry it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from sqlmodel import Session, col, func, select

from services.catalogue import dcat, imports, opendata
from services.catalogue.dependencies import Moderator, SettingsDep
from services.catalogue.fiche import SCHEMA_VERSION
from services.catalogue.models import UseCase, UseCaseStatus, UseCaseVersion
from services.common.body_limits import upload_limit
from services.common.database import SessionDep
from services.common.downloads import attachment
from services.common.errors import BadRequest, ProblemError
from services.common.licences import open_licence

router = APIRouter(tags=["données ouvertes"])

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON_LD_TYPE = "application/ld+json"
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


def _links(request: Request, *, described: bool) -> dict[str, str]:
    """The licence of a download and, for the fiches (`described`), their schema, as `Link`
    (RFC 8288). A version of the history is not a fiche: it names no schema."""
    licence = open_licence().link_header()["Link"]
    if not described:
        return {"Link": licence}
    return {"Link": f'{licence}, <{request.url_for("use_case_schema")}>; rel="describedby"'}


def _download(
    request: Request, content: bytes, media_type: str, filename: str, *, described: bool
) -> Response:
    headers = {**attachment(filename), **_links(request, described=described)}
    return Response(content, media_type=media_type, headers=headers)


def _envelope(request: Request, items: list[dict[str, Any]], *, described: bool) -> dict[str, Any]:
    schema = {"schema": str(request.url_for("use_case_schema"))} if described else {}
    return {
        **open_licence().fields(),
        **schema,
        "schema_version": SCHEMA_VERSION,
        "generated_at": datetime.now(UTC).isoformat(),
        "items": items,
    }


@router.get(
    "/exports/use-cases.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
def export_csv(request: Request, session: SessionDep) -> Response:
    """Fiches publiées en CSV (UTF-8 avec BOM, SIREN, code INSEE et type de collectivité sur
    chaque ligne). Licence Ouverte 2.0 (en-tête `Link`)."""
    return _download(
        request,
        opendata.to_csv(_published(session), opendata.COLUMNS),
        CSV_TYPE,
        "cas-d-usage-ia.csv",
        described=True,
    )


@router.get(
    "/exports/use-cases.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX_TYPE: {}}}},
)
def export_xlsx(request: Request, session: SessionDep) -> Response:
    """Fiches publiées en XLSX, cellules typées (nombres, booléens, dates en UTC) ; la licence
    dans la feuille « licence »."""
    return _download(
        request,
        opendata.to_xlsx(_published(session), opendata.COLUMNS),
        XLSX_TYPE,
        "cas-d-usage-ia.xlsx",
        described=True,
    )


@router.get("/exports/use-cases.json")
def export_json(request: Request, session: SessionDep) -> JSONResponse:
    """Fiches publiées en JSON, avec la licence et le schéma que suit chaque élément."""
    return JSONResponse(
        _envelope(request, _published(session), described=True),
        headers={**attachment("cas-d-usage-ia.json"), **_links(request, described=True)},
    )


@router.get(
    "/exports/use-cases-history.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
def export_history_csv(request: Request, session: SessionDep) -> Response:
    """Historique complet des versions publiques, en CSV."""
    return _download(
        request,
        opendata.to_csv(_history(session), opendata.HISTORY_COLUMNS),
        CSV_TYPE,
        "cas-d-usage-ia-historique.csv",
        described=False,
    )


@router.get("/exports/use-cases-history.json")
def export_history_json(request: Request, session: SessionDep) -> JSONResponse:
    """Historique complet des versions publiques, en JSON."""
    return JSONResponse(
        _envelope(request, _history(session), described=False),
        headers={
            **attachment("cas-d-usage-ia-historique.json"),
            **_links(request, described=False),
        },
    )


@router.get(
    "/catalogue/dcat.jsonld",
    response_class=JSONResponse,
    responses={200: {"content": {JSON_LD_TYPE: {}}}},
)
def dcat_catalogue(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """Description DCAT-AP (JSON-LD) des jeux de données ouverts du catalogue, à moissonner
    (data.gouv.fr) : distributions CSV, XLSX et JSON, licence, schéma."""
    modified = session.exec(
        select(func.max(UseCase.updated_at)).where(col(UseCase.status) == UseCaseStatus.PUBLISHED)
    ).one()
    document = dcat.catalogue(
        url_for=lambda name: str(request.url_for(name)),
        site_url=settings.mail.site_url,
        modified=modified,
    )
    return JSONResponse(document, media_type=JSON_LD_TYPE, headers=open_licence().link_header())


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
