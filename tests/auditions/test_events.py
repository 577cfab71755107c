"""Hearing events as the public sees them."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from services.auditions.models import Event
from services.auditions.seed import seed_auditions
from services.common.database import create_db_engine
from tests.conftest import ClientFactory, Databases
from tests.helpers import assert_problem, id_of


@pytest.fixture
def client(databases: Databases, client_for: ClientFactory) -> TestClient:
    engine = create_db_engine(databases.urls["auditions"], pool_size=1)
    with Session(engine) as session:
        seed_auditions(session)
        session.commit()
    engine.dispose()
    return client_for("auditions")


def test_the_national_hearings_are_listed(client: TestClient) -> None:
    body = client.get("/events").json()

    assert body["total"] == 1
    event = body["items"][0]
    assert event["title"] == "Auditions nationales 2027"
    assert (event["starts_on"], event["ends_on"]) == ("2027-07-11", "2027-07-20")
    assert client.get(f"/events/{event['id']}").json() == event


def test_an_unpublished_event_is_not_found(client: TestClient, databases: Databases) -> None:
    listed = client.get("/events").json()["items"][0]["id"]
    hidden = id_of(databases.urls["auditions"], Event, slug="auditions-complementaires-2027")
    assert hidden != listed

    assert_problem(client.get(f"/events/{hidden}"), 404)
