"""The OpenAPI documents of the three services: stable operationIds, every problem documented.

The operationIds are the route functions' names, in snake_case (services.common.openapi):
`operation_ids.json` holds them all, so renaming a route function, which renames the method
of every generated client, shows here as a change to review. To write the list again after a
deliberate change: `python -m tests.test_operation_ids`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from services.common.app_factory import build_service_app
from services.common.errors import Conflict, NotFound
from services.common.openapi import ALWAYS
from services.common.settings import ServiceSettings
from tests.conftest import SERVICES, TEST_SECRET_KEY

SNAPSHOT = Path(__file__).with_name("operation_ids.json")
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


def served_document(service: str) -> dict[str, Any]:
    """The OpenAPI document `service` serves at /openapi.json."""
    create_app, settings_class = SERVICES[service]
    settings = settings_class.model_validate(
        {"database_url": "sqlite://", "auth": {"secret_key": TEST_SECRET_KEY}}
    )
    document: dict[str, Any] = create_app(settings).openapi()
    return document


def _operations(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        f"{method.upper()} {path}": operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }


def operation_ids() -> dict[str, dict[str, str]]:
    return {
        service: {
            key: operation["operationId"]
            for key, operation in _operations(served_document(service)).items()
        }
        for service in SERVICES
    }


@pytest.fixture(scope="module")
def documents() -> dict[str, dict[str, Any]]:
    return {service: served_document(service) for service in SERVICES}


def test_operation_ids_are_the_checked_in_list() -> None:
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert operation_ids() == expected, "run `python -m tests.test_operation_ids` if deliberate"


@pytest.mark.parametrize("service", SERVICES)
def test_operation_ids_are_unique_snake_case_function_names(
    documents: dict[str, dict[str, Any]], service: str
) -> None:
    ids = [operation["operationId"] for operation in _operations(documents[service]).values()]
    assert len(ids) == len(set(ids))
    assert [name for name in ids if not SNAKE_CASE.match(name)] == []
    # Not FastAPI's generated `read_x_foo_get`: no path and no method in the name.
    assert [name for name in ids if re.search(r"_(get|post|put|patch|delete)$", name)] == []


@pytest.mark.parametrize("service", SERVICES)
def test_every_problem_is_documented_as_problem_json(
    documents: dict[str, dict[str, Any]], service: str
) -> None:
    undocumented = []
    for key, operation in _operations(documents[service]).items():
        statuses = set(operation["responses"])
        for status in ALWAYS:
            if str(status) not in statuses:
                undocumented.append(f"{key} {status}")
        for status, response in operation["responses"].items():
            if status[0] in "45" and response.get("content") != PROBLEM:
                undocumented.append(f"{key} {status}: {response.get('content')}")
    assert undocumented == []


@pytest.mark.parametrize(
    ("service", "operation", "status"),
    [
        # Raised by a helper of the route's module (no questionnaire: 409).
        ("survey", "GET /campaigns/{campaign_id}/results", "409"),
        # Raised in the route itself (a file over 5 MB: 400).
        ("catalogue", "POST /imports/use-cases", "400"),
        # Raised by a dependency (a role: 403) and by the shared If-Match (412, 428).
        ("catalogue", "POST /use-cases/{use_case_id}/publish", "403"),
        ("auditions", "PUT /events/{event_id}/hearings/{hearing_id}", "428"),
        # A rate limit (429) and a path that names a resource (404).
        ("catalogue", "POST /use-cases", "429"),
        ("auditions", "GET /events/{event_id}/agenda", "404"),
    ],
)
def test_the_problems_a_route_can_answer_are_found(
    documents: dict[str, dict[str, Any]], service: str, operation: str, status: str
) -> None:
    assert status in _operations(documents[service])[operation]["responses"]


def _refuse(campaign: int) -> None:
    if campaign < 0:
        raise Conflict("Campagne close.")


def test_a_raise_reached_through_a_helper_is_documented_and_only_then() -> None:
    from fastapi import APIRouter

    router = APIRouter()

    @router.get("/through-a-helper")
    def through_a_helper(campaign: int) -> dict[str, int]:
        """Refuses through `_refuse`."""
        _refuse(campaign)
        return {"campaign": campaign}

    @router.get("/itself")
    def itself(campaign: int) -> dict[str, int]:
        """Refuses itself."""
        if campaign > 9:
            raise NotFound("Inconnue.")
        return {"campaign": campaign}

    @router.get("/never")
    def never(campaign: int) -> dict[str, int]:
        """Never refuses."""
        return {"campaign": campaign}

    settings = ServiceSettings.model_validate(
        {"database_url": "sqlite://", "auth": {"secret_key": TEST_SECRET_KEY}}
    )
    app: FastAPI = build_service_app(
        settings, name="essai", title="Essai", description="Essai", routers=[router]
    )
    paths = app.openapi()["paths"]
    assert "409" in paths["/through-a-helper"]["get"]["responses"]
    assert "404" in paths["/itself"]["get"]["responses"]
    assert not {"404", "409"} & set(paths["/never"]["get"]["responses"])
    assert paths["/itself"]["get"]["operationId"] == "itself"


if __name__ == "__main__":
    SNAPSHOT.write_text(
        json.dumps(operation_ids(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
