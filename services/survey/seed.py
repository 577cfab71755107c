"""Demo campaigns, written once into an empty survey database."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from services.common.sql import utcnow
from services.survey.campaigns import DEMO_RESULTS
from services.survey.models import Campaign, Questionnaire, QuestionnaireStatus
from services.survey.observatory import frame
from services.survey.observatory.demo import seed_responses
from services.survey.questionnaires.observatoire_ia import DEFINITION
from services.survey.questionnaires.store import parse

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
    """Add the default questionnaire (published) when there is none, and the demo campaigns,
    on it, when there is no campaign (the closed one with generated responses for its
    observatory); returns how many campaigns and questionnaires were added."""
    added = 0
    questionnaire = session.exec(
        select(Questionnaire).where(col(Questionnaire.key) == DEFINITION["key"])
    ).first()
    if questionnaire is None:
        questionnaire = Questionnaire(
            key=DEFINITION["key"],
            version=DEFINITION["version"],
            title=DEFINITION["title"],
            definition=DEFINITION,
            status=QuestionnaireStatus.PUBLISHED,
            published_at=utcnow(),
        )
        session.add(questionnaire)
        session.flush()
        added += 1
    if session.exec(select(func.count()).select_from(Campaign)).one():
        return added
    campaigns = [
        Campaign(**campaign, questionnaire_id=questionnaire.id) for campaign in DEMO_CAMPAIGNS
    ]
    session.add_all(campaigns)
    session.flush()
    for campaign in campaigns:
        assert campaign.id is not None
        frame.freeze(session.connection(), campaign.id, campaign.target)
    demo = next(campaign for campaign in campaigns if campaign.slug == DEMO_RESULTS)
    seed_responses(session, demo, parse(DEFINITION))
    return added + len(DEMO_CAMPAIGNS)
