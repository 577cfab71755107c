"""Demo data, written once into an empty hearings database: the July 2023 hearings."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from services.auditions.generator import JULY_2023, build_event
from services.auditions.models import Event, Release
from services.auditions.releases import draft_entries

IN_PREPARATION = replace(
    JULY_2023,
    slug="auditions-complementaires-2023",
    title="Auditions complémentaires (en préparation)",
    starts_on=date(2023, 10, 2),
    ends_on=date(2023, 10, 3),
    hearings=4,
    members=4,
    seed=2,
    published=False,
)


def seed_auditions(session: Session) -> int:
    """Add the demo events when there is none; returns how many were added."""
    if session.exec(select(func.count()).select_from(Event)).one():
        return 0
    july = build_event(session, JULY_2023)
    assert july.id is not None
    session.add(
        Release(
            event_id=july.id,
            name="Version 1",
            changelog="Première publication du programme.",
            entries=draft_entries(session, july),
        )
    )
    build_event(session, IN_PREPARATION, excluded=())
    session.flush()
    return 2
