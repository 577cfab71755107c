"""The hearings service on the test databases: empty, with small factories, or with the demo.

Most tests need a few rows only: `make` creates them through the API (one event, one room,
one member, one hearing...), which is what organisers do. `client` seeds the July 2023 demo,
for the tests that read it (its journeys, the solver on a real-sized event).
"""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from services.auditions.seed import seed_auditions
from services.common.auth import accounts
from services.common.auth.passwords import hash_password
from services.common.auth.tokens import encode_token, staff_token_expiry
from services.common.database import create_db_engine
from tests.conftest import ClientFactory, Databases
from tests.helpers import PASSWORD, add_staff

ORGANISER = "organisatrice@auditions.test"
# The demo's dates: 11 to 20 July 2023, without the 14th (a public holiday) nor the weekend.
EVENT = {
    "title": "Auditions de test",
    "starts_on": "2023-07-11",
    "ends_on": "2023-07-20",
    "excluded_dates": ["2023-07-14"],
}


@pytest.fixture
def service(client_for: ClientFactory) -> TestClient:
    """The service on empty databases."""
    return client_for("auditions")


def _seed_demo(databases: Databases) -> None:
    engine = create_db_engine(databases.urls["auditions"], pool_size=1)
    with Session(engine) as session:
        seed_auditions(session)
        session.commit()
    engine.dispose()


@pytest.fixture
def client(databases: Databases, service: TestClient) -> TestClient:
    """The service with the July 2023 demo seeded."""
    _seed_demo(databases)
    return service


@pytest.fixture
def demo_event_id(databases: Databases, service: TestClient) -> int:
    """The demo's July event, for a test in a module whose other tests need no demo."""
    _seed_demo(databases)
    event: int = service.get("/events").json()["items"][0]["id"]
    return event


@functools.cache
def _password_hash() -> str:
    return hash_password(PASSWORD)


@pytest.fixture
def organiser(
    service: TestClient, databases: Databases, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    return organiser_headers(databases, monkeypatch)


def organiser_headers(databases: Databases, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """An organiser's headers: a real account, its token minted as sign-in mints it.

    Signing in (a password hash, then its verification) cost half a second per test; the
    sign-in itself is tested in tests/common/test_auth.py.
    """
    monkeypatch.setattr(accounts, "hash_password", lambda _password: _password_hash())
    add_staff(databases.urls["accounts"], email=ORGANISER, roles=["organiser"])
    engine = create_db_engine(databases.urls["accounts"], pool_size=1)
    try:
        with Session(engine) as session:
            account = accounts.find_staff(session, email=ORGANISER)
            assert account is not None
    finally:
        engine.dispose()
    settings = databases.auth_settings()
    token = encode_token(
        settings=settings,
        subject=f"staff:{account.id}",
        token_type="staff",
        token_id=secrets.token_urlsafe(12),
        expires_at=staff_token_expiry(settings),
        claims={
            "email": account.email,
            "name": account.name,
            "roles": account.role_list,
            "gen": account.token_generation,
        },
    )
    return {"Authorization": f"Bearer {token}"}


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


@pytest.fixture
def small_event(make: Make) -> int:
    """A published event with one room, and nothing else: for tests that need no demo."""
    event = make.event(published=True)
    make.room(event["id"])
    event_id: int = event["id"]
    return event_id
