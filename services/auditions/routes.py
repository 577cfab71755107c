"""HTTP routes of the hearings service."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import func
from sqlmodel import col, select

from services.auditions.models import Event, EventPublic
from services.common.database import SessionDep
from services.common.errors import NotFound
from services.common.pagination import Page, PageQuery, RowId

router = APIRouter(prefix="/events", tags=["événements"])

_published = col(Event.published).is_(True)


@router.get("")
def list_events(session: SessionDep, query: Annotated[PageQuery, Query()]) -> Page[EventPublic]:
    """Événements d'auditions publiés, par date de début."""
    total = session.exec(select(func.count()).select_from(Event).where(_published)).one()
    items = session.exec(
        select(Event)
        .where(_published)
        .order_by(col(Event.starts_on), col(Event.id))
        .limit(query.limit)
        .offset(query.offset)
    ).all()
    return Page(
        items=[EventPublic.model_validate(item, from_attributes=True) for item in items],
        total=total,
        limit=query.limit,
        offset=query.offset,
    )


@router.get("/{event_id}", responses={404: {"description": "Événement inconnu"}})
def read_event(session: SessionDep, event_id: RowId) -> EventPublic:
    """Un événement publié."""
    event = session.get(Event, event_id)
    if event is None or not event.published:
        raise NotFound(f"Aucun événement publié n° {event_id}.")
    return EventPublic.model_validate(event, from_attributes=True)
