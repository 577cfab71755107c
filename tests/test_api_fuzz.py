"""Requests generated from each service's own OpenAPI document get answers that match it.

Schemathesis derives valid and invalid inputs (types, bounds, missing fields, odd strings) for
every operation, and checks each answer against the document: no server error, a documented
status, the documented media type and schema (problems as problem+json), documented headers.
It does so as a staff member holding every role, as an integrator holding every scope, and,
in stateful sequences, chaining operations through the resources they create and return.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import Case
from schemathesis.checks import CheckFunction
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import positive_data_acceptance
from sqlmodel import Session

from services.auditions.seed import seed_auditions
from services.catalogue.seed import seed_catalogue
from services.common.auth import accounts
from services.common.auth.models import ROLES
from services.common.auth.tokens import issue_api_token
from services.common.database import create_db_engine
from services.survey.seed import seed_survey
from tests.conftest import ClientFactory, Databases
from tests.helpers import add_staff, bearer

SEEDERS = {"catalogue": seed_catalogue, "survey": seed_survey, "auditions": seed_auditions}
STAFF = "equipe@example.org"
# Every scope a route may ask of an integrator token.
SCOPES = [f"{service}:{access}" for service in SEEDERS for access in ("read", "write")]


@dataclass(frozen=True)
class SignedInService:
    name: str
    client: TestClient
    staff: dict[str, str]
    integrator: dict[str, str]


def integrator_headers(databases: Databases) -> dict[str, str]:
    engine = create_db_engine(databases.urls["accounts"], pool_size=1)
    try:
        with Session(engine) as session:
            record = accounts.create_api_token(session, name="fuzz", scopes=SCOPES, days=1)
            session.commit()
            token = issue_api_token(record, settings=databases.auth_settings())
    finally:
        engine.dispose()
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(params=sorted(SEEDERS))
def service(
    request: pytest.FixtureRequest, databases: Databases, client_for: ClientFactory
) -> SignedInService:
    """A seeded service, a staff member with every role and an integrator with every scope."""
    name = str(request.param)
    engine = create_db_engine(databases.urls[name], pool_size=1)
    with Session(engine) as session:
        SEEDERS[name](session)
        session.commit()
    engine.dispose()
    add_staff(databases.urls["accounts"], email=STAFF, roles=sorted(ROLES))
    client = client_for(name)
    return SignedInService(
        name=name,
        client=client,
        staff=bearer(client, email=STAFF),
        integrator=integrator_headers(databases),
    )


# Schema-valid input may still break a business rule (an end before its start, a code outside
# the questionnaire's choices, a stale version): refusing it with a documented problem is
# right, so that check alone is left out. Every other check of Schemathesis runs.
BUSINESS_RULES: list[CheckFunction] = [positive_data_acceptance]

FUZZ_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    database=None,
    # Some operations' inputs are hard to generate (patterns, enums of codes): fewer examples
    # there is acceptable, a failed health check is not a finding about the API.
    suppress_health_check=list(HealthCheck),
)


def headers_for(operation: APIOperation[Any, Any, Any, Any], credentials: dict[str, str]) -> Any:
    # Sign-in is rate limited and needs no token: it is fuzzed as an anonymous client.
    return {} if operation.path == "/auth/token" else credentials


def fuzz(operation: APIOperation[Any, Any, Any, Any], *, headers: dict[str, str]) -> None:
    """Send generated requests to one operation; each answer must match the document."""

    @FUZZ_SETTINGS
    @given(case=operation.as_strategy())
    def conforms(case: Case[Any]) -> None:
        case.call_and_validate(headers=headers, excluded_checks=BUSINESS_RULES)

    conforms()


def schema_of(service: SignedInService) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", service.client.app)


@pytest.mark.parametrize("caller", ["staff", "integrator"])
def test_every_generated_request_gets_a_documented_answer(
    service: SignedInService, caller: str
) -> None:
    credentials = service.staff if caller == "staff" else service.integrator
    operations = [result.ok() for result in schema_of(service).get_all_operations()]
    assert len(operations) >= 5  # the kernel's routes and the service's own
    for operation in operations:
        fuzz(operation, headers=headers_for(operation, credentials))


def test_sequences_of_linked_requests_get_documented_answers(service: SignedInService) -> None:
    """Resources created or listed by one call feed the next (links inferred from the document)."""
    machine: Any = schema_of(service).as_state_machine()
    assert len(machine.bundles) >= 5  # links between operations were found
    staff = service.staff

    class Workflow(machine):  # type: ignore[misc]
        def get_call_kwargs(self, case: Case[Any]) -> dict[str, Any]:
            return {"headers": headers_for(case.operation, staff)}

        def validate_response(self, response: Any, case: Case[Any], **kwargs: Any) -> None:
            case.validate_response(response, excluded_checks=BUSINESS_RULES)

    Workflow.run(
        settings=settings(
            # The services keep state between examples, so a sequence's available steps depend
            # on the ones before: random generation then trips over its own record now and
            # then (FlakyStrategyDefinition, seen once in a full run). The same sequences in
            # every run make that impossible; the per-operation fuzzing above stays random.
            derandomize=True,
            max_examples=30,
            stateful_step_count=6,
            phases=[Phase.explicit, Phase.reuse, Phase.generate],
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
