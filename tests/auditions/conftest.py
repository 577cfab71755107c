"""The hearings service on the test databases, seeded with the July 2023 demo."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from services.auditions.seed import seed_auditions
from services.common.database import create_db_engine
from tests.conftest import ClientFactory, Databases
from tests.helpers import add_staff, bearer

ORGANISER = "organisatrice@auditions.test"


@pytest.fixture
def client(databases: Databases, client_for: ClientFactory) -> TestClient:
    engine = create_db_engine(databases.urls["auditions"], pool_size=1)
    with Session(engine) as session:
        seed_auditions(session)
        session.commit()
    engine.dispose()
    return client_for("auditions")


@pytest.fixture
def organiser(client: TestClient, databases: Databases) -> dict[str, str]:
    add_staff(databases.urls["accounts"], email=ORGANISER, roles=["organiser"])
    return bearer(client, email=ORGANISER)


@pytest.fixture
def event_id(client: TestClient) -> int:
    event: int = client.get("/events").json()["items"][0]["id"]
    return event
