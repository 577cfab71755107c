"""The hearings service on the test databases: empty, with small factories, or with the demo.

Most tests need a few rows only: `make` creates them through the API (one event, one room,
one member, one hearing...), which is what organisers do. `client` seeds the July 2023 demo,
for the tests that read it (its journeys, the solver on a real-sized event).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from services.auditions.seed import seed_auditions
from services.common.database import create_db_engine
from tests.conftest import ClientFactory, Databases
from tests.helpers import add_staff, bearer

ORGANISER = "organisatrice@auditions.test"
# A week of July 2023 (Wednesday 12 to Tuesday 18), like the demo's event.
EVENT = {"title": "Auditions de test", "starts_on": "2023-07-12", "ends_on": "2023-07-18"}


@pytest.fixture
def service(client_for: ClientFactory) -> TestClient:
    """The service on empty databases."""
    return client_for("auditions")


@pytest.fixture
def client(databases: Databases, service: TestClient) -> TestClient:
    """The service with the July 2023 demo seeded."""
    engine = create_db_engine(databases.urls["auditions"], pool_size=1)
    with Session(engine) as session:
        seed_auditions(session)
        session.commit()
    engine.dispose()
    return service


@pytest.fixture
def organiser(service: TestClient, databases: Databases) -> dict[str, str]:
    add_staff(databases.urls["accounts"], email=ORGANISER, roles=["organiser"])
    return bearer(service, email=ORGANISER)


@pytest.fixture
def event_id(client: TestClient) -> int:
    event: int = client.get("/events").json()["items"][0]["id"]
    return event


@dataclass
class Make:
    """Creates the few rows a test reads, each through the organisers' API."""

    client: TestClient
    organiser: dict[str, str]

    def _created(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.client.post(path, headers=self.organiser, json=body)
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    def event(self, **fields: Any) -> dict[str, Any]:
        return self._created("/events", {**EVENT, **fields})

    def room(self, event_id: int, **fields: Any) -> dict[str, Any]:
        body = {"name": "Salle 1", "kind": "physical", "capacity": 30, **fields}
        return self._created(f"/events/{event_id}/rooms", body)

    def member(self, event_id: int, **fields: Any) -> dict[str, Any]:
        body = {"name": "Membre", "email": "membre@commission.example", "role": "member"}
        return self._created(f"/events/{event_id}/members", {**body, **fields})

    def hearing(self, event_id: int, **fields: Any) -> dict[str, Any]:
        body = {"title": "Audition", "duration_minutes": 45, **fields}
        hearing: dict[str, Any] = self._created(f"/events/{event_id}/hearings", body)["hearing"]
        return hearing


@pytest.fixture
def make(service: TestClient, organiser: dict[str, str]) -> Make:
    return Make(service, organiser)
