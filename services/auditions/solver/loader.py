"""The event read from the database into a solver instance (plan or repair)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from services.auditions.draft import hearings_of, load_schedule
from services.auditions.models import Event, Room
from services.auditions.releases import latest_release
from services.auditions.solver.instance import Instance, build_instance

Where = tuple[datetime, int, frozenset[int]]


def load_instance(session: Session, event: Event, *, kind: str) -> Instance:
    """A plan starts from the draft (as a hint); a repair from the latest release."""
    assert event.id is not None
    schedule = load_schedule(session, event)
    hearings = [h for h in hearings_of(session, event.id) if not h.cancelled]
    previous: dict[int, Where] = {}
    for h in hearings:
        if h.id is not None and h.starts_at is not None and h.room_id is not None:
            previous[h.id] = (h.starts_at, h.room_id, frozenset(h.member_ids))
    if kind == "repair":
        previous = released_positions(session, event)
    return build_instance(
        schedule,
        locked={h.id for h in hearings if h.locked and h.id is not None},
        themes={h.id: h.theme_id for h in hearings if h.id is not None},
        priorities={h.id: h.priority for h in hearings if h.id is not None},
        previous=previous,
    )


def released_positions(session: Session, event: Event) -> dict[int, Where]:
    """Where the latest release put each hearing (rooms are recorded by name)."""
    assert event.id is not None
    release = latest_release(session, event.id)
    if release is None:
        return {}
    rooms = {r.name: r.id for r in session.exec(select(Room).where(Room.event_id == event.id))}
    positions: dict[int, Where] = {}
    for entry in release.entries:
        room_id = rooms.get(entry["room"])
        if room_id is not None:
            positions[entry["hearing_id"]] = (
                datetime.fromisoformat(entry["starts_at"]),
                room_id,
                frozenset(entry["member_ids"]),
            )
    return positions
