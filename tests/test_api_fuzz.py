"""Generated requests from each service's own OpenAPI schema never get a server error.

Schemathesis derives valid and invalid inputs (types, bounds, missing fields, odd strings)
for every operation; whatever it sends, the answer is a success or a problem+json 4xx.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import Case
from schemathesis.schemas import APIOperation
from sqlmodel import Session

from services.auditions.seed import seed_auditions
from services.catalogue.seed import seed_catalogue
from services.common.database import create_db_engine
from services.survey.seed import seed_survey
from tests.conftest import ClientFactory, Databases
from tests.helpers import add_staff, bearer

SEEDERS = {"catalogue": seed_catalogue, "survey": seed_survey, "auditions": seed_auditions}
MODERATOR = "moderatrice@example.org"


@dataclass(frozen=True)
class SignedInService:
    client: TestClient
    moderator: dict[str, str]


@pytest.fixture(params=sorted(SEEDERS))
def service(
    request: pytest.FixtureRequest, databases: Databases, client_for: ClientFactory
) -> SignedInService:
    """A seeded service and a moderator's token, so protected operations get past sign-in."""
    name = str(request.param)
    engine = create_db_engine(databases.urls[name], pool_size=1)
    with Session(engine) as session:
        SEEDERS[name](session)
        session.commit()
    engine.dispose()
    add_staff(databases.urls["accounts"], email=MODERATOR, roles=["moderator"])
    client = client_for(name)
    return SignedInService(client=client, moderator=bearer(client, email=MODERATOR))


FUZZ_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def fuzz(operation: APIOperation[Any, Any, Any, Any], *, headers: dict[str, str]) -> None:
    """Send generated requests to one operation; each must succeed or be a problem+json 4xx."""

    @FUZZ_SETTINGS
    @given(case=operation.as_strategy())
    def no_server_error(case: Case[Any]) -> None:
        response = case.call(headers=headers)
        assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text}"
        if response.status_code >= 400:
            assert response.headers["content-type"][0].startswith("application/problem+json")

    no_server_error()


def test_no_generated_request_gets_a_server_error(service: SignedInService) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", service.client.app)
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 5  # the kernel's routes and the service's own

    for operation in operations:
        # Sign-in is rate limited and needs no token: it is fuzzed as an anonymous client.
        fuzz(operation, headers={} if operation.path == "/auth/token" else service.moderator)
