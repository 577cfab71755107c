"""What a client gets when the server itself fails: a problem it can quote, never a trace."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from services.catalogue.app import create_app
from services.catalogue.settings import CatalogueSettings
from services.common.app_factory import build_service_app
from tests.conftest import Databases
from tests.helpers import assert_problem

ORIGIN = "http://localhost:8000"

broken = APIRouter()


@broken.get("/broken")
def fail() -> None:
    """A route with a bug."""
    raise RuntimeError("secret internal detail")


@pytest.fixture
def client(databases: Databases) -> Iterator[TestClient]:
    settings = CatalogueSettings(
        database_url=databases.urls["catalogue"], auth=databases.auth_settings()
    )
    app = build_service_app(settings, name="test", title="t", description="d", routers=[broken])
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def test_a_bug_is_a_500_problem_with_its_request_id_and_cors_headers(client: TestClient) -> None:
    response = client.get("/broken", headers={"Origin": ORIGIN})

    body = assert_problem(response, 500)
    assert "secret internal detail" not in response.text
    assert body["detail"] == "Erreur interne. L'incident est journalisé."
    assert len(response.headers["x-request-id"]) == 32
    assert response.headers["access-control-allow-origin"] == ORIGIN


def test_a_database_without_its_schema_is_a_bug_not_an_outage(
    databases: Databases, tmp_path: Path
) -> None:
    # A file database that was never migrated: the server answers, the table is missing.
    settings = CatalogueSettings(
        database_url=f"sqlite:///{tmp_path / 'empty.db'}", auth=databases.auth_settings()
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        assert client.get("/ready").status_code == 200
        assert_problem(client.get("/use-cases"), 500)
