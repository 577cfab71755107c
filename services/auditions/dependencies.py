"""Lookups shared by the hearings service's routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from services.auditions.models import Event
from services.common.database import SessionDep
from services.common.errors import NotFound
from services.common.pagination import RowId


def published_event(session: SessionDep, event_id: RowId) -> Event:
    """A published event; those being prepared are invisible to the public."""
    event = session.get(Event, event_id)
    if event is None or not event.published:
        raise NotFound(f"Aucun événement publié n° {event_id}.")
    return event


PublishedEventDep = Annotated[Event, Depends(published_event)]
