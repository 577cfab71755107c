"""Public routes: published events, their agenda (the latest release) and calendar feeds."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlmodel import Session, col, select

from services.auditions import events
from services.auditions.dependencies import AgendaCacheDep, PublishedEventDep
from services.auditions.feeds import personal_entries
from services.auditions.models import Release
from services.auditions.public_agenda import RenderCache, agenda_state, render_ics, render_json
from services.auditions.releases import diff, event_calendar
from services.auditions.schemas.events import EventDetail, EventPublic, event_detail, event_public
from services.auditions.schemas.releases import Agenda, ReleaseDiff, ReleaseView
from services.common.database import SessionDep
from services.common.errors import NotFound
from services.common.pagination import MAX_ROW_ID, Page, PageQuery, RowId, paginate

router = APIRouter(tags=["agenda public"])

CALENDAR_TYPE = "text/calendar; charset=utf-8"


@router.get("/events")
def list_events(session: SessionDep, query: Annotated[PageQuery, Query()]) -> Page[EventPublic]:
    """Événements d'auditions publiés, par date de début."""
    return paginate(session, events.published_events(), query=query, view=event_public)


@router.get("/events/{event_id}", responses={404: {"description": "Événement inconnu"}})
def read_event(event: PublishedEventDep, session: SessionDep) -> EventDetail:
    """Un événement publié : dates, horaires, salles et thèmes."""
    return event_detail(session, event)


def _cached(cache: RenderCache, session: Session, event_id: int, kind: str) -> tuple[bytes, str]:
    state = agenda_state(session, event_id)
    body = cache.get((kind, state))
    if body is None:
        body = render_json(session, state) if kind == "json" else render_ics(session, state)
        cache.put((kind, state), body)
    return body, state.etag


def _answer(request: Request, body: bytes, tag: str, media_type: str) -> Response:
    # Revalidated on every use (a 304 is cheap): a new release shows at once.
    headers = {"ETag": tag, "Cache-Control": "no-cache"}
    if request.headers.get("if-none-match") == tag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


@router.get(
    "/events/{event_id}/agenda",
    response_model=Agenda,
    responses={404: {"description": "Événement inconnu"}},
)
def read_agenda(
    event_id: RowId, session: SessionDep, cache: AgendaCacheDep, request: Request
) -> Response:
    """L'agenda publié (la dernière version publiée), avec les comptes rendus publiés."""
    body, tag = _cached(cache, session, event_id, "json")
    return _answer(request, body, tag, "application/json")


@router.get(
    "/events/{event_id}/agenda.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}, 404: {"description": "Événement inconnu"}},
)
def agenda_calendar(
    event_id: RowId, session: SessionDep, cache: AgendaCacheDep, request: Request
) -> Response:
    """L'agenda publié au format iCalendar (abonnement), heures de Paris."""
    body, tag = _cached(cache, session, event_id, "ics")
    return _answer(request, body, tag, CALENDAR_TYPE)


@router.get("/events/{event_id}/releases", responses={404: {"description": "Événement inconnu"}})
def list_releases(event: PublishedEventDep, session: SessionDep) -> list[ReleaseView]:
    """Les versions publiées et leur journal des modifications, la plus récente d'abord."""
    rows = session.exec(
        select(Release).where(Release.event_id == event.id).order_by(col(Release.id).desc())
    ).all()
    return [ReleaseView.model_validate(r, from_attributes=True) for r in rows]


@router.get(
    "/events/{event_id}/releases/diff", responses={404: {"description": "Version inconnue"}}
)
def compare_releases(
    event: PublishedEventDep,
    session: SessionDep,
    from_release: Annotated[int, Query(alias="from", ge=1, le=MAX_ROW_ID)],
    to_release: Annotated[int, Query(alias="to", ge=1, le=MAX_ROW_ID)],
) -> ReleaseDiff:
    """Ce qui a changé entre deux versions publiées."""
    before = session.get(Release, from_release)
    after = session.get(Release, to_release)
    if (
        before is None
        or after is None
        or event.id not in (before.event_id,)
        or after.event_id != event.id
    ):
        raise NotFound("Version inconnue pour cet événement.")
    return diff(before.entries, after.entries)


@router.get(
    "/feeds/personal.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}, 404: {"description": "Lien inconnu"}},
)
def personal_calendar(
    token: Annotated[str, Query(min_length=10, max_length=100)], session: SessionDep
) -> Response:
    """L'agenda personnel d'un membre ou d'une personne auditionnée (lien secret).

    The token is in the query string, so the request log (which records the path) never
    holds it; calendar clients cannot send headers.
    """
    event, entries = personal_entries(session, token)
    return Response(event_calendar(event, entries, name=event.title), media_type=CALENDAR_TYPE)
