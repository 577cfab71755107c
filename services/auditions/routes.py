"""HTTP routes of the hearings service."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from services.auditions import events
from services.auditions.dependencies import PublishedEventDep
from services.auditions.models import Event, EventPublic
from services.common.database import SessionDep
from services.common.pagination import Page, PageQuery, paginate

router = APIRouter(prefix="/events", tags=["événements"])


def public_view(event: Event) -> EventPublic:
    return EventPublic.model_validate(event, from_attributes=True)


@router.get("")
def list_events(session: SessionDep, query: Annotated[PageQuery, Query()]) -> Page[EventPublic]:
    """Événements d'auditions publiés, par date de début."""
    return paginate(session, events.published_events(), query=query, view=public_view)


@router.get("/{event_id}", responses={404: {"description": "Événement inconnu"}})
def read_event(event: PublishedEventDep) -> EventPublic:
    """Un événement publié."""
    return public_view(event)
