"""Demo campaigns, written once into an empty survey database."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from services.survey.models import Campaign

DEMO_CAMPAIGNS: list[dict[str, Any]] = [
    {
        "slug": "observation-2026",
        "title": "Observation 2026 des usages de l'IA",
        "description": "Deuxième campagne nationale : quels usages de l'IA, avec quels moyens, "
        "quelles précautions et quels résultats dans les collectivités.",
        "opens_on": date(2026, 9, 15),
        "closes_on": date(2026, 12, 15),
        "published": True,
    },
    {
        "slug": "observation-2025",
        "title": "Observation 2025 des usages de l'IA",
        "description": "Première campagne nationale d'observation des usages de l'IA dans les "
        "communes, intercommunalités, départements et régions.",
        "opens_on": date(2025, 9, 15),
        "closes_on": date(2025, 12, 15),
        "published": True,
    },
    {
        "slug": "observation-2027",
        "title": "Observation 2027 (en préparation)",
        "description": "Questionnaire en cours de relecture par les analystes.",
        "opens_on": date(2027, 9, 15),
        "closes_on": date(2027, 12, 15),
        "published": False,
    },
]


def seed_survey(session: Session) -> int:
    """Add the demo campaigns when there is none; returns how many were added."""
    if session.exec(select(func.count()).select_from(Campaign)).one():
        return 0
    for campaign in DEMO_CAMPAIGNS:
        session.add(Campaign(**campaign))
    session.flush()
    return len(DEMO_CAMPAIGNS)
