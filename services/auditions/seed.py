"""Demo events, written once into an empty hearings database."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from services.auditions.models import Event

DEMO_EVENTS: list[dict[str, Any]] = [
    {
        "slug": "auditions-nationales-2027",
        "title": "Auditions nationales 2027",
        "description": "Dix jours d'auditions des collectivités, des entreprises, des chercheurs et "
        "des associations sur les usages de l'IA dans les territoires.",
        "starts_on": date(2027, 7, 11),
        "ends_on": date(2027, 7, 20),
        "location": "Paris",
        "published": True,
    },
    {
        "slug": "auditions-complementaires-2027",
        "title": "Auditions complémentaires (en préparation)",
        "description": "Séances de rattrapage à l'automne, programme non publié.",
        "starts_on": date(2027, 10, 4),
        "ends_on": date(2027, 10, 5),
        "location": "Lyon",
        "published": False,
    },
]


def seed_auditions(session: Session) -> int:
    """Add the demo events when there is none; returns how many were added."""
    if session.exec(select(func.count()).select_from(Event)).one():
        return 0
    for event in DEMO_EVENTS:
        session.add(Event(**event))
    session.flush()
    return len(DEMO_EVENTS)
