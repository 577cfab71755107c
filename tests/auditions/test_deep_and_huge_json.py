"""Deep and huge JSON (issue 17, class 5) in the hearings service, and the bounded sign-in
form of every service: 422, and the event saved before is still there."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.auditions.conftest import EVENT
from tests.helpers import assert_problem


@pytest.mark.parametrize(
    "nested", ["[" * 50_000 + "]" * 50_000, "[" * 50_000, '{"a":' * 40 + "1" + "}" * 40]
)
def test_a_deeply_nested_event_is_a_422(
    service: TestClient, organiser: dict[str, str], nested: str
) -> None:
    kept = service.post("/events", headers=organiser, json=EVENT)
    assert kept.status_code == 201, kept.text
    body = '{"title": "Auditions", "starts_on": "2023-07-11", "ends_on": ' + nested + "}"

    response = service.post(
        "/events", content=body, headers={**organiser, "Content-Type": "application/json"}
    )

    problem = assert_problem(response, 422)
    assert problem["errors"][0]["type"] == "json_too_deep"  # type: ignore[index]
    events = service.get("/manage/events", headers=organiser).json()
    assert [event["id"] for event in events] == [kept.json()["id"]]


@pytest.mark.parametrize(
    ("field", "value"),
    [("username", "a" * 8200 + "@example.org"), ("password", "p" * 4097), ("scope", "s" * 1001)],
)
def test_a_sign_in_field_beyond_its_bound_is_a_422(
    service: TestClient, field: str, value: str
) -> None:
    form = {"username": "x@example.org", "password": "mot-de-passe", field: value}

    response = service.post("/auth/token", data=form)

    problem = assert_problem(response, 422)
    assert ["body", field] in [error["loc"] for error in problem["errors"]]  # type: ignore[attr-defined]
