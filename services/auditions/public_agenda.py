"""The public agenda and its iCalendar feed, rendered once per release and cached.

A release is frozen, so its rendering only changes when minutes of the event change. One
query gives the event's state (published?, latest release, last minutes change); a hit
then costs no rendering at all, which keeps the public feed close to `/health` speed.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from threading import Lock

from sqlalchemy import func
from sqlmodel import Session, col, select

from services.auditions.models import Event, Hearing, Minutes, Release
from services.auditions.releases import event_calendar, public_entries
from services.auditions.schemas.events import event_public
from services.auditions.schemas.releases import Agenda, ReleaseView
from services.common.errors import NotFound

CACHE_SIZE = 64


@dataclass(frozen=True)
class AgendaState:
    event_id: int
    release_id: int | None
    minutes_changed: datetime | None

    @property
    def etag(self) -> str:
        stamp = self.minutes_changed.timestamp() if self.minutes_changed else 0
        return f'"{self.event_id}-{self.release_id or 0}-{stamp:.6f}"'


def agenda_state(session: Session, event_id: int) -> AgendaState:
    """What the public agenda of a published event depends on; 404 for others."""
    latest = select(func.max(Release.id)).where(Release.event_id == event_id).scalar_subquery()
    changed = (
        select(func.max(Minutes.updated_at))
        .join(Hearing, col(Hearing.id) == col(Minutes.hearing_id))
        .where(Hearing.event_id == event_id)
        .scalar_subquery()
    )
    row = session.exec(select(Event.published, latest, changed).where(Event.id == event_id)).first()
    if row is None or not row[0]:
        raise NotFound(f"Aucun événement publié n° {event_id}.")
    stamp = row[2]
    if isinstance(stamp, str):  # SQLite returns the aggregate of a timestamp as text
        stamp = datetime.fromisoformat(stamp)
    return AgendaState(event_id, row[1], stamp)


def render_json(session: Session, state: AgendaState) -> bytes:
    event = session.get(Event, state.event_id)
    assert event is not None
    release = session.get(Release, state.release_id) if state.release_id else None
    if release is None:
        agenda = Agenda(event=event_public(event), release=None, entries=[])
        return agenda.model_dump_json().encode()
    entries = public_entries(release.entries)
    published = {
        minutes.hearing_id: minutes.body
        for minutes in session.exec(
            select(Minutes)
            .join(Hearing, col(Hearing.id) == col(Minutes.hearing_id))
            .where(Hearing.event_id == state.event_id, Minutes.status == "published")
        )
    }
    for entry in entries:
        entry.minutes = published.get(entry.hearing_id)
    agenda = Agenda(
        event=event_public(event),
        release=ReleaseView.model_validate(release, from_attributes=True),
        entries=entries,
    )
    return agenda.model_dump_json().encode()


def render_ics(session: Session, state: AgendaState) -> bytes:
    event = session.get(Event, state.event_id)
    assert event is not None
    release = session.get(Release, state.release_id) if state.release_id else None
    return event_calendar(event, release.entries if release else [], name=event.title).encode()


class RenderCache:
    """A small LRU of rendered documents, keyed by kind and agenda state."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self._items: OrderedDict[tuple[str, AgendaState], bytes] = OrderedDict()
        self._size = size
        self._lock = Lock()

    def get(self, key: tuple[str, AgendaState]) -> bytes | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: tuple[str, AgendaState], value: bytes) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
