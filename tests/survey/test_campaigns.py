"""Observation campaigns as the public sees them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from services.common.database import create_db_engine
from services.survey.campaigns import status_on, today_in_paris
from services.survey.models import Campaign, CampaignStatus
from services.survey.seed import DEMO_CAMPAIGNS
from tests.conftest import ClientFactory, Databases
from tests.helpers import assert_problem, id_of


@pytest.fixture
def client(databases: Databases, client_for: ClientFactory) -> TestClient:
    """The demo's three campaigns (two published, one draft) as rows: no frame, no response."""
    engine = create_db_engine(databases.urls["survey"], pool_size=1)
    with Session(engine) as session:
        session.add_all(Campaign(**campaign) for campaign in DEMO_CAMPAIGNS)
        session.commit()
    engine.dispose()
    return client_for("survey")


def test_published_campaigns_are_listed_most_recent_first(client: TestClient) -> None:
    body = client.get("/campaigns").json()

    assert [item["slug"] for item in body["items"]] == ["observation-2026", "observation-2025"]
    assert body["total"] == 2
    assert body["items"][1]["status"] == "closed"
    assert body["items"][0]["opens_on"] == "2026-09-15"


def test_a_draft_campaign_stays_hidden(client: TestClient, databases: Databases) -> None:
    listed = client.get("/campaigns").json()["items"][0]
    hidden = id_of(databases.urls["survey"], Campaign, slug="observation-2027")

    assert_problem(client.get(f"/campaigns/{hidden}"), 404)
    assert client.get(f"/campaigns/{listed['id']}").json() == listed


def test_status_follows_the_french_calendar() -> None:
    campaign = Campaign(
        slug="c",
        title="Campagne",
        description="",
        opens_on=date(2026, 9, 15),
        closes_on=date(2026, 12, 15),
    )

    # 23:30 UTC on 14 September is already 15 September in Paris.
    assert today_in_paris(datetime(2026, 9, 14, 23, 30, tzinfo=UTC)) == date(2026, 9, 15)
    assert status_on(campaign, day=date(2026, 9, 14)) is CampaignStatus.UPCOMING
    assert status_on(campaign, day=date(2026, 9, 15)) is CampaignStatus.OPEN
    assert status_on(campaign, day=date(2026, 12, 15)) is CampaignStatus.OPEN
    assert status_on(campaign, day=date(2026, 12, 16)) is CampaignStatus.CLOSED
