"""Following the catalogue: Atom feeds for readers, the changes since a cursor for integrators.

Both answer a conditional GET: a feed carries the ETag of its bytes, and `If-None-Match` with
it gets 304 without a body, so a reader polling every few minutes costs little.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import col, select

from services.catalogue import changes, feeds, search
from services.catalogue.dependencies import PublicUseCase, SettingsDep
from services.catalogue.fiche import find_local_authority
from services.catalogue.french_text import parse_query
from services.catalogue.models import UseCaseVersion
from services.catalogue.schemas.requests import UseCaseSelection
from services.catalogue.schemas.use_cases import public_history
from services.common.database import SessionDep
from services.common.errors import Unprocessable
from services.common.versions import body_etag, not_modified, still_fresh

router = APIRouter(tags=["suivi"])

_ATOM: dict[int | str, dict[str, Any]] = {
    200: {"content": {feeds.ATOM_TYPE: {}}, "description": "Flux Atom (RFC 4287)"}
}
_NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "Inchangé depuis l'ETag donné (If-None-Match)"}
}


def _atom(request: Request, feed: feeds.Feed) -> Response:
    body = feeds.render(feed)
    tag = body_etag(body)
    if still_fresh(request.headers.get("if-none-match"), tag):
        return not_modified(tag)
    return Response(
        body, media_type=feeds.ATOM_TYPE, headers={"ETag": tag, "Cache-Control": "no-cache"}
    )


def _selection_pairs(selection: UseCaseSelection) -> list[tuple[str, str]]:
    """The selection's parameters in a canonical order: one feed, one address and one id."""
    pairs = [("q", selection.q.strip())] if selection.q and selection.q.strip() else []
    for name, values in sorted(selection.filters().items()):
        pairs.extend((name, value) for value in sorted(set(values)))
    return pairs


def _label(name: str, code: str) -> str:
    if name == "local_authority_code":
        territory = find_local_authority(code)
        return territory.name if territory else code
    return search.facet_label(name, code)


def _selection_title(pairs: list[tuple[str, str]]) -> str:
    title = "Cas d'usage de l'IA dans les collectivités"
    parts = [f"« {value} »" if name == "q" else _label(name, value) for name, value in pairs]
    return f"{title} : {', '.join(parts)}" if parts else title


@router.get(
    "/feeds/use-cases.atom",
    response_class=Response,
    responses={**_ATOM, **_NOT_MODIFIED},
)
def use_cases_feed(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    selection: Annotated[UseCaseSelection, Query()],
) -> Response:
    """Flux Atom des fiches publiées ou mises à jour, les 50 plus récentes : tout le catalogue,
    ou une recherche enregistrée avec les paramètres de `GET /use-cases` (`q`, `domain`,
    `local_authority_code` pour une collectivité, les autres filtres)."""
    pairs = _selection_pairs(selection)
    query = f"?{urlencode(pairs)}" if pairs else ""
    ids = search.matching(
        session, query=parse_query(selection.q or ""), filters=selection.filters()
    )
    site = settings.mail.site_url.rstrip("/")
    self_url = f"{request.url_for('use_cases_feed')}{query}"
    feed = feeds.Feed(
        id=self_url,
        title=_selection_title(pairs),
        self_url=self_url,
        page_url=f"{site}/catalogue.html{query}",
        entries=feeds.published_entries(session, site, ids),
        fallback_updated=feeds.last_public_change(session),
    )
    return _atom(request, feed)


@router.get(
    "/use-cases/{use_case_id}/history.atom",
    response_class=Response,
    responses={**_ATOM, **_NOT_MODIFIED, 404: {"description": "Cas d'usage inconnu ou non publié"}},
)
def use_case_history_feed(
    request: Request, session: SessionDep, settings: SettingsDep, use_case: PublicUseCase
) -> Response:
    """Flux Atom des changements publics d'une fiche (publications, mises à jour, archivage),
    les 50 plus récents, avec les champs modifiés."""
    assert use_case.id is not None
    versions = session.exec(
        select(UseCaseVersion)
        .where(col(UseCaseVersion.use_case_id) == use_case.id, col(UseCaseVersion.public))
        .order_by(col(UseCaseVersion.number))
    ).all()
    history = list(reversed(public_history(list(versions))))
    site = settings.mail.site_url.rstrip("/")
    self_url = str(request.url_for("use_case_history_feed", use_case_id=str(use_case.id)))
    feed = feeds.Feed(
        id=self_url,
        title=f"Historique : {use_case.title}",
        self_url=self_url,
        page_url=feeds.fiche_url(site, use_case.id),
        entries=feeds.history_entries(use_case, history, site),
    )
    return _atom(request, feed)


class ChangesQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    since: str | None = Field(
        None,
        max_length=100,
        description="Curseur opaque : le `next` d'une réponse précédente ; sans lui, depuis le début.",
    )
    limit: int = Field(100, ge=1, le=500, description="Nombre de changements au plus.")


class UseCaseChange(BaseModel):
    id: int
    slug: str
    change: Literal["created", "updated", "withdrawn"]
    at: datetime
    version: int
    # The fiche to read again (GET /use-cases/{id}); none for a withdrawal.
    url: str | None


class ChangesPage(BaseModel):
    items: list[UseCaseChange]
    # Where to resume: `since` of the next call, even when nothing changed.
    next: str
    more: bool


@router.get(
    "/use-cases/changes",
    responses={422: {"description": "Curseur invalide"}},
)
def use_case_changes(
    request: Request, session: SessionDep, query: Annotated[ChangesQuery, Query()]
) -> ChangesPage:
    """Synchronisation incrémentale : fiches créées, mises à jour ou retirées (dépubliées,
    archivées) depuis le curseur, des plus anciennes aux plus récentes, et le curseur suivant."""
    after = 0
    if query.since:
        try:
            after = changes.decode(query.since)
        except ValueError as error:
            raise Unprocessable(
                "Curseur invalide : reprenez avec le `next` d'une réponse, ou sans `since`.",
                extra={
                    "errors": [
                        {"loc": ["query", "since"], "msg": str(error), "type": "value_error"}
                    ]
                },
            ) from error
    found, last, more = changes.since(session, after, query.limit)
    return ChangesPage(
        items=[
            UseCaseChange(
                id=change.use_case_id,
                slug=change.slug,
                change=change.change,
                at=change.at,
                version=change.version,
                url=None
                if change.change == "withdrawn"
                else str(request.url_for("read_use_case", use_case_id=str(change.use_case_id))),
            )
            for change in found
        ],
        next=changes.encode(last),
        more=more,
    )
