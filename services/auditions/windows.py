"""Windows sent by clients: inside the event's days and, where it matters, not overlapping."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.auditions.models import Event
from services.auditions.schemas.common import WindowIn
from services.common.errors import InvalidField


def check_windows(
    event: Event, windows: Sequence[WindowIn], *, field: str, disjoint: bool = True
) -> None:
    """A 422 naming the first window outside the event (or overlapping another)."""
    zone = ZoneInfo(event.timezone)
    first = datetime.combine(event.starts_on, time(0), zone)
    last = datetime.combine(event.ends_on + timedelta(days=1), time(0), zone)
    ordered = sorted(enumerate(windows), key=lambda pair: pair[1].start)
    for position, (index, window) in enumerate(ordered):
        if window.start < first or window.end > last:
            raise InvalidField((field, index), "Ce créneau sort des dates de l'événement.")
        if disjoint and position and ordered[position - 1][1].end > window.start:
            raise InvalidField((field, index), "Ce créneau chevauche un autre créneau.")


def stored(windows: Sequence[WindowIn]) -> list[list[str]]:
    """Windows as kept in the database: [start, end] in UTC ISO 8601."""
    return [
        [w.start.astimezone(UTC).isoformat(), w.end.astimezone(UTC).isoformat()] for w in windows
    ]
