"""What anyone may read: the search, a fiche, its history, the vocabularies and the schema."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

import anyio
import anyio.to_thread
from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field, field_validator
from pydantic_core import PydanticCustomError
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from services.catalogue import fiche, search, vocabularies
from services.catalogue.dependencies import PublicUseCase, set_etag
from services.catalogue.french_text import best_snippet, parse_query
from services.catalogue.models import UseCaseVersion
from services.catalogue.views import (
    UseCasePage,
    UseCasePublic,
    UseCaseSummary,
    public_view,
    summary_view,
)
from services.catalogue.workflow import differences
from services.common.database import SessionDep
from services.common.pagination import PageQuery

router = APIRouter(tags=["cas d'usage"])

_TERRITORY_CODE = r"^(\d{2,3}|2[AB])$"


class UseCaseQuery(PageQuery):
    q: str | None = Field(
        None, max_length=200, description="Texte cherché (français, sans accents requis)."
    )
    tri: search.Sort | None = Field(None, description="Tri : pertinence (avec q), date ou nom.")
    domain: list[str] = Field(default_factory=list, description="Domaine fonctionnel (codes).")
    application_type: list[str] = Field(default_factory=list)
    ai_technology: list[str] = Field(default_factory=list)
    ai_act_class: list[str] = Field(default_factory=list)
    project_status: list[str] = Field(default_factory=list)
    reusability: list[str] = Field(default_factory=list)
    automation_level: list[str] = Field(default_factory=list)
    personal_data: list[str] = Field(default_factory=list)
    interaction: list[str] = Field(default_factory=list)
    algorithm_type: list[str] = Field(default_factory=list)
    hosting: list[str] = Field(default_factory=list)
    acquisition_mode: list[str] = Field(default_factory=list)
    annex_iii_area: list[str] = Field(default_factory=list)
    ai_act_role: list[str] = Field(default_factory=list)
    local_authority_kind: list[str] = Field(
        default_factory=list, description="Type de collectivité."
    )
    region: list[str] = Field(default_factory=list, description="Code INSEE de région.")
    departement: list[str] = Field(default_factory=list, description="Code INSEE de département.")
    local_authority_code: list[str] = Field(
        default_factory=list, description="SIREN ou code INSEE du porteur."
    )
    individual_decisions: list[str] = Field(
        default_factory=list, description="oui : fonde des décisions individuelles (CRPA)."
    )
    art50_obligations: list[str] = Field(
        default_factory=list,
        description="Obligations de transparence de l'article 50 (codes) : une fiche en a une ou plusieurs.",
    )

    @field_validator(
        *vocabularies.CODED_FIELDS,
        *vocabularies.CODED_LIST_FIELDS,
        "local_authority_kind",
        "individual_decisions",
        mode="after",
    )
    @classmethod
    def _known_codes(cls, values: list[str], info: Any) -> list[str]:
        vocabulary = vocabularies.ALL[info.field_name]
        for value in values:
            if value not in vocabulary:
                raise PydanticCustomError("unknown_code", "code inconnu ; voir GET /vocabularies")
        return values

    @field_validator("region", "departement", mode="after")
    @classmethod
    def _territory_codes(cls, values: list[str]) -> list[str]:
        for value in values:
            if not re.fullmatch(_TERRITORY_CODE, value):
                raise PydanticCustomError("bad_code", "code INSEE attendu (2 ou 3 caractères)")
        return values

    def filters(self) -> dict[str, list[str]]:
        names = [
            *vocabularies.CODED_FIELDS,
            "local_authority_kind",
            "region",
            "departement",
            "local_authority_code",
            "individual_decisions",
            *vocabularies.CODED_LIST_FIELDS,
        ]
        return {name: getattr(self, name) for name in names}


# Searches run in few threads: many concurrent searches in many threads spend their time
# handing the interpreter lock to one another (measured: twice the CPU per search at 32
# connections). SQLite searches in the service's own process, so one at a time keeps both
# cores useful; with PostgreSQL a search mostly waits for the server, so a few overlap.
_SQLITE_SEARCHES = anyio.CapacityLimiter(1)
_SERVER_SEARCHES = anyio.CapacityLimiter(4)


@router.get("/use-cases", response_model=UseCasePage)
async def list_use_cases(request: Request, query: Annotated[UseCaseQuery, Query()]) -> Response:
    """Cas d'usage publiés : recherche plein texte, filtres par facette, décomptes, tri."""
    engine = request.app.state.engine
    limiter = _SQLITE_SEARCHES if engine.dialect.name == "sqlite" else _SERVER_SEARCHES
    body = await anyio.to_thread.run_sync(_search_page, engine, query, limiter=limiter)
    return Response(body, media_type="application/json")


def _search_page(engine: Engine, query: UseCaseQuery) -> str:
    """The page of results as JSON, read in one short transaction."""
    parsed = parse_query(query.q or "")
    with Session(engine) as session:
        result = search.search(
            session,
            query=parsed,
            filters=query.filters(),
            sort=query.tri,
            limit=query.limit,
            offset=query.offset,
        )
        items = [
            # The card shows the summary: the excerpt comes from it, or from the title.
            summary_view(row, best_snippet([row.summary, row.title], parsed) if parsed else None)
            for row in result.rows
        ]
    page = UseCasePage.model_validate(
        {
            "items": items,
            "total": result.total,
            "limit": query.limit,
            "offset": query.offset,
            "facets": result.facets,
        }
    )
    # Serialised here, once: the page is already validated, FastAPI need not do it again.
    return page.model_dump_json()


class SuggestionQuery(BaseModel):
    q: str = Field(min_length=1, max_length=100, description="Début de recherche.")


@router.get("/use-cases/suggestions")
def suggest(
    session: SessionDep, query: Annotated[SuggestionQuery, Query()]
) -> list[UseCaseSummary]:
    """Suggestions pendant la frappe : fiches publiées dont les mots commencent par le texte tapé."""
    parsed = parse_query(query.q)
    if not parsed:
        return []
    return [summary_view(row) for row in search.suggestions(session, query=parsed)]


@router.get(
    "/use-cases/{use_case_id}",
    responses={404: {"description": "Cas d'usage inconnu ou non publié"}},
)
def read_use_case(use_case: PublicUseCase, response: Response) -> UseCasePublic:
    """Une fiche publiée (ou archivée), avec son ETag."""
    set_etag(response, use_case)
    return public_view(use_case)


class HistoryEntry(BaseModel):
    version: int
    event: str
    status: str
    at: datetime
    note: str | None
    changes: list[dict[str, Any]]


@router.get(
    "/use-cases/{use_case_id}/history",
    responses={404: {"description": "Cas d'usage inconnu ou non publié"}},
)
def use_case_history(session: SessionDep, use_case: PublicUseCase) -> list[HistoryEntry]:
    """Historique public : chaque publication et ses différences champ par champ, du plus récent au plus ancien."""
    versions = session.exec(
        select(UseCaseVersion)
        .where(col(UseCaseVersion.use_case_id) == use_case.id, col(UseCaseVersion.public))
        .order_by(col(UseCaseVersion.number))
    ).all()
    return list(reversed(public_history(list(versions))))


def public_history(versions: list[UseCaseVersion]) -> list[HistoryEntry]:
    entries: list[HistoryEntry] = []
    previous: dict[str, Any] | None = None
    for version in versions:
        entries.append(
            HistoryEntry(
                version=version.number,
                event=version.event,
                status=version.status,
                at=version.created_at,
                note=version.note if version.event in ("retracted", "archived") else None,
                changes=differences(previous, version.content),
            )
        )
        previous = version.content
    return entries


@router.get("/vocabularies", tags=["référentiels"])
def read_vocabularies() -> dict[str, Any]:
    """Vocabulaires contrôlés : codes stables et libellés français, par champ de la fiche."""
    return {
        "version": vocabularies.VOCABULARIES_VERSION,
        "vocabularies": {
            name: [{"code": code, "label": label} for code, label in vocabulary.items()]
            for name, vocabulary in vocabularies.ALL.items()
        },
        "quick_publication": list(fiche.QUICK_PUBLICATION),
    }


@router.get("/schema/use-case.json", tags=["référentiels"])
def use_case_schema() -> dict[str, Any]:
    """Schéma JSON (2020-12) d'une fiche, avec sa version et les champs requis pour publier."""
    schema = fiche.UseCaseFields.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://intelligences-territoires.fr/schema/use-case.json",
        "version": fiche.SCHEMA_VERSION,
        **schema,
        "title": "Fiche cas d'usage d'IA d'une collectivité",
        "x-required-to-publish": list(fiche.QUICK_PUBLICATION),
    }
