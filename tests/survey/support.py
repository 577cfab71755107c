"""Builders shared by the survey's API tests: a seeded service, an analyst, a campaign with
invitations, and the personal link read from the e-mail."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from services.common.database import create_db_engine
from services.common.sql import utcnow
from services.survey.models import Questionnaire, QuestionnaireStatus
from services.survey.questionnaires.observatoire_ia import DEFINITION
from services.survey.seed import seed_survey
from tests.conftest import ClientFactory, Databases
from tests.helpers import add_staff, bearer
from tests.mailbox import Mailbox, text_of

ANALYST = "analyste@example.org"
RENNES = "213502388"
RENNES_METROPOLE = "243500139"
PLELAN = "213502230"
LINK = re.compile(r"/repondre\.html#([A-Za-z0-9_-]+)")


@dataclass
class Survey:
    client: TestClient
    analyst: dict[str, str]
    questionnaire_id: int
    databases: Databases


def seeded_survey(databases: Databases, client_for: ClientFactory) -> Survey:
    """The whole demo (its campaigns and the generated responses): for tests about the demo."""
    engine = create_db_engine(databases.urls["survey"], pool_size=1)
    with Session(engine) as session:
        seed_survey(session)
        session.commit()
        questionnaire_id = session.exec(select(Questionnaire.id)).one()
    engine.dispose()
    return _signed_in(databases, client_for, questionnaire_id)


def light_survey(databases: Databases, client_for: ClientFactory) -> Survey:
    """Only the default questionnaire (published) and an analyst: no campaign, no response."""
    engine = create_db_engine(databases.urls["survey"], pool_size=1)
    with Session(engine) as session:
        row = Questionnaire(
            key=DEFINITION["key"],
            version=DEFINITION["version"],
            title=DEFINITION["title"],
            definition=DEFINITION,
            status=QuestionnaireStatus.PUBLISHED,
            published_at=utcnow(),
        )
        session.add(row)
        session.commit()
        questionnaire_id = row.id
    engine.dispose()
    assert questionnaire_id is not None
    return _signed_in(databases, client_for, questionnaire_id)


def _signed_in(
    databases: Databases, client_for: ClientFactory, questionnaire_id: int | None
) -> Survey:
    add_staff(databases.urls["accounts"], email=ANALYST, roles=["analyst"])
    client = client_for("survey")
    assert questionnaire_id is not None
    return Survey(client, bearer(client, email=ANALYST), questionnaire_id, databases)


def create_campaign(
    survey: Survey,
    *,
    opens: date | None = None,
    closes: date | None = None,
    questionnaire_id: int | None = None,
) -> int:
    today = date.today()
    response = survey.client.post(
        "/campaigns",
        headers=survey.analyst,
        json={
            "title": "Observation test",
            "description": "Campagne de test",
            "opens_on": (opens or today - timedelta(days=2)).isoformat(),
            "closes_on": (closes or today + timedelta(days=30)).isoformat(),
            "questionnaire_id": questionnaire_id or survey.questionnaire_id,
        },
    )
    assert response.status_code == 201, response.text
    campaign_id: int = response.json()["id"]
    return campaign_id


def invite(survey: Survey, campaign_id: int, csv: str) -> dict[str, int]:
    response = survey.client.post(
        f"/campaigns/{campaign_id}/invitations", headers=survey.analyst, json={"csv": csv}
    )
    assert response.status_code == 200, response.text
    body: dict[str, int] = response.json()
    return body


def token_from_mail(mailbox: Mailbox, to: str) -> str:
    match = LINK.search(text_of(mailbox.wait_for(to)))
    assert match is not None
    return match.group(1)


def wait_for_subject(mailbox: Mailbox, to: str, fragment: str, timeout: float = 10.0) -> str:
    """The text of the newest message to `to` whose subject holds `fragment`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in reversed(list(mailbox.messages)):
            if to in str(message["To"]) and fragment in str(message["Subject"]):
                return text_of(message)
        time.sleep(0.05)
    raise AssertionError(f"aucun message « {fragment} » pour {to}")
