"""What anyone may read: the search, a fiche, its history, the vocabularies and the schema."""

from __future__ import annotations

from typing import Annotated, Any

import anyio
import anyio.to_thread
from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from services.catalogue import fiche, record_schema, search, vocabularies
from services.catalogue.dependencies import PublicUseCase
from services.catalogue.french_text import parse_query
from services.catalogue.models import UseCase, UseCaseVersion
from services.catalogue.schemas.requests import SuggestionQuery, UseCaseQuery
from services.catalogue.schemas.use_cases import (
    HistoryEntry,
    SimilarUseCase,
    UseCasePage,
    UseCasePublic,
    UseCaseSummary,
    public_history,
    public_view,
    summary_view,
)
from services.catalogue.search.explain import explained
from services.catalogue.search.similar import similar
from services.common.database import EngineDep, SessionDep
from services.common.versions import body_etag, etag, not_modified, set_etag, still_fresh

router = APIRouter(tags=["cas d'usage"])


# Searches run in few threads: many concurrent searches in many threads spend their time
# handing the interpreter lock to one another (measured: twice the CPU per search at 32
# connections). SQLite searches in the service's own process, so one at a time keeps both
# cores useful; with PostgreSQL a search mostly waits for the server, so a few overlap.
_SQLITE_SEARCHES = anyio.CapacityLimiter(1)
_SERVER_SEARCHES = anyio.CapacityLimiter(4)


@router.get(
    "/use-cases",
    response_model=UseCasePage,
    responses={304: {"description": "Inchangée depuis l'ETag donné (If-None-Match)"}},
)
async def list_use_cases(
    request: Request, engine: EngineDep, query: Annotated[UseCaseQuery, Query()]
) -> Response:
    """Cas d'usage publiés : recherche plein texte, filtres par facette, décomptes, tri ;
    avec l'ETag de la page (If-None-Match : 304 si elle n'a pas changé)."""
    limiter = _SQLITE_SEARCHES if engine.dialect.name == "sqlite" else _SERVER_SEARCHES
    body = await anyio.to_thread.run_sync(_search_page, engine, query, limiter=limiter)
    tag = body_etag(body)
    if still_fresh(request.headers.get("if-none-match"), tag):
        return not_modified(tag)
    return Response(body, media_type="application/json", headers={"ETag": tag})


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
        wanted = result.plan.wanted

        def card(row: UseCase) -> UseCaseSummary:
            # The card shows the summary: the excerpt comes from it, or from the title.
            return summary_view(row, **explained(row, wanted)) if wanted else summary_view(row)

        items = [card(row) for row in result.rows]
        partial = [card(row) for row in result.partial]
    page = UseCasePage.model_validate(
        {
            "items": items,
            "total": result.total,
            "limit": query.limit,
            "offset": query.offset,
            "facets": result.facets,
            "partial": partial,
            "did_you_mean": result.plan.corrected,
        }
    )
    # Serialised here, once: the page is already validated, FastAPI need not do it again.
    return page.model_dump_json()


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
    "/use-cases/{use_case_id}/similar",
    responses={404: {"description": "Cas d'usage inconnu ou non publié"}},
)
def similar_use_cases(session: SessionDep, use_case: PublicUseCase) -> list[SimilarUseCase]:
    """Les cinq fiches publiées les plus proches (codes et mots partagés), d'autres collectivités d'abord, avec la raison."""
    return [
        SimilarUseCase(
            use_case=summary_view(found.use_case),
            shared_codes=found.shared_codes,
            shared_words=found.shared_words,
            same_authority=found.same_authority,
        )
        for found in similar(session, use_case)
    ]


@router.get(
    "/use-cases/{use_case_id}",
    response_model=UseCasePublic,
    responses={
        304: {"description": "Inchangée depuis l'ETag donné (If-None-Match)"},
        404: {"description": "Cas d'usage inconnu ou non publié"},
    },
)
def read_use_case(use_case: PublicUseCase, request: Request, response: Response) -> Any:
    """Une fiche publiée (ou archivée), avec son ETag (If-None-Match : 304 si elle n'a pas changé)."""
    if still_fresh(request.headers.get("if-none-match"), etag(use_case.version)):
        return not_modified(etag(use_case.version))
    set_etag(response, use_case.version)
    return public_view(use_case)


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
    """Schéma JSON (2020-12) d'une fiche et de chaque élément des données ouvertes, avec sa
    version et les champs requis pour publier ; les champs en lecture seule sont ceux que le
    catalogue ajoute."""
    return record_schema.use_case_schema()
