"""What every service gets from the shared kernel: probes, metrics, request ids, CORS, errors, logs."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func
from sqlmodel import Session, select

from services.catalogue.models import UseCase
from services.catalogue.seed import seed_catalogue
from services.common.database import create_db_engine
from tests.catalogue.support import COMPLETE
from tests.conftest import ClientFactory, Databases
from tests.helpers import add_staff, assert_problem, bearer, proof_of_work

SERVICES = ("catalogue", "survey", "auditions")
# service -> (collection, template of one item, an example of one item)
ROUTES = {
    "catalogue": ("/use-cases", "/use-cases/{use_case_id}"),
    "survey": ("/campaigns", "/campaigns/{campaign_id}"),
    "auditions": ("/events", "/events/{event_id}"),
}
ALLOWED_ORIGIN = "http://localhost:8000"
HEX_ID = re.compile(r"^[0-9a-f]{32}$")
# An anonymous proposal (POST /use-cases), the catalogue's public JSON body.
VALID_PROPOSAL = {
    **COMPLETE,
    "title": "Tri des courriers entrants",
    "submitter_email": "agent@ville.example.fr",
}


def _errors(body: dict[str, object]) -> list[dict[str, Any]]:
    errors = body["errors"]
    assert isinstance(errors, list)
    return errors


def _failing_fields(body: dict[str, object]) -> set[str]:
    """The last element of each failing location (`title`, `limit` ...)."""
    return {str(error["loc"][-1]) for error in _errors(body)}


# --- probes, documentation -------------------------------------------------------------------


@pytest.mark.parametrize("service", SERVICES)
def test_health_says_ok(client_for: ClientFactory, service: str) -> None:
    response = client_for(service).get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize("service", SERVICES)
def test_ready_when_the_databases_answer(client_for: ClientFactory, service: str) -> None:
    response = client_for(service).get("/ready")

    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


@pytest.mark.parametrize("service", SERVICES)
def test_openapi_and_docs_are_served(client_for: ClientFactory, service: str) -> None:
    client = client_for(service)
    collection, template = ROUTES[service]

    schema = client.get("/openapi.json")
    docs = client.get("/docs")

    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {collection, template, "/health", "/ready", "/auth/token"} <= set(paths)
    assert docs.status_code == 200
    assert docs.headers["content-type"].startswith("text/html")
    assert "/openapi.json" in docs.text


# --- metrics ---------------------------------------------------------------------------------


SCRAPE_TOKEN = "jeton-de-collecte-" + "m" * 32


def _request_counts(client: TestClient) -> dict[tuple[str, str, str, str], float]:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {SCRAPE_TOKEN}"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    counts: dict[tuple[str, str, str, str], float] = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            if sample.name == "http_requests_total":
                labels = sample.labels
                key = (labels["service"], labels["method"], labels["route"], labels["status"])
                counts[key] = sample.value
    return counts


@pytest.mark.parametrize("service", SERVICES)
def test_metrics_count_requests_by_route_template(client_for: ClientFactory, service: str) -> None:
    client = client_for(service, metrics={"token": SCRAPE_TOKEN})
    collection, template = ROUTES[service]

    assert client.get(f"{collection}/123").status_code == 404
    assert client.get(f"{collection}/456").status_code == 404
    assert client.get(collection).status_code == 200
    counts = _request_counts(client)

    assert counts[(service, "GET", template, "404")] == 2
    assert counts[(service, "GET", collection, "200")] == 1
    routes = {route for (_, _, route, _) in counts}
    assert f"{collection}/123" not in routes
    assert f"{collection}/456" not in routes


# --- request ids -----------------------------------------------------------------------------


@pytest.mark.parametrize("service", SERVICES)
def test_every_response_carries_a_request_id(client_for: ClientFactory, service: str) -> None:
    client = client_for(service)
    collection, _ = ROUTES[service]

    responses = [client.get("/health"), client.get(f"{collection}/123"), client.get("/nowhere")]

    ids = [response.headers.get("x-request-id", "") for response in responses]
    assert all(HEX_ID.match(request_id) for request_id in ids), ids
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("service", SERVICES)
def test_a_valid_request_id_is_echoed(client_for: ClientFactory, service: str) -> None:
    given = uuid.uuid4().hex

    response = client_for(service).get("/health", headers={"X-Request-ID": given})

    assert response.headers["x-request-id"] == given


@pytest.mark.parametrize("service", SERVICES)
def test_an_invalid_request_id_is_replaced(client_for: ClientFactory, service: str) -> None:
    response = client_for(service).get("/health", headers={"X-Request-ID": "pas-un-uuid"})

    assert HEX_ID.match(response.headers["x-request-id"])


# --- CORS ------------------------------------------------------------------------------------


def _preflight(client: TestClient, path: str, origin: str) -> Any:
    return client.options(
        path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Authorization, Content-Type",
        },
    )


@pytest.mark.parametrize("service", SERVICES)
def test_cors_preflight_from_the_front_end_is_allowed(
    client_for: ClientFactory, service: str
) -> None:
    client = client_for(service)
    collection, _ = ROUTES[service]

    preflight = _preflight(client, collection, ALLOWED_ORIGIN)
    simple = client.get(collection, headers={"Origin": ALLOWED_ORIGIN})

    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert simple.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert "x-request-id" in simple.headers["access-control-expose-headers"].lower()


@pytest.mark.parametrize("service", SERVICES)
def test_cors_refuses_another_origin(client_for: ClientFactory, service: str) -> None:
    client = client_for(service)
    collection, _ = ROUTES[service]

    preflight = _preflight(client, collection, "https://evil.example")
    simple = client.get(collection, headers={"Origin": "https://evil.example"})

    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in preflight.headers
    assert "access-control-allow-origin" not in simple.headers


# --- bad requests on every service -----------------------------------------------------------


@pytest.mark.parametrize("service", SERVICES)
def test_unknown_route_is_a_404_problem(client_for: ClientFactory, service: str) -> None:
    response = client_for(service).get("/nowhere/at/all")

    body = assert_problem(response, 404)
    assert body["instance"] == "/nowhere/at/all"


@pytest.mark.parametrize("service", SERVICES)
def test_wrong_method_is_a_405_problem(client_for: ClientFactory, service: str) -> None:
    collection, _ = ROUTES[service]

    response = client_for(service).delete(collection)

    body = assert_problem(response, 405)
    assert "DELETE" in str(body["detail"])
    assert "GET" in response.headers["allow"]


@pytest.mark.parametrize("service", SERVICES)
def test_unknown_query_parameter_is_refused(client_for: ClientFactory, service: str) -> None:
    collection, _ = ROUTES[service]

    response = client_for(service).get(collection, params={"colour": "red"})

    body = assert_problem(response, 422)
    assert ["query", "colour"] in [error["loc"] for error in _errors(body)]
    assert "red" not in response.text


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "1000"}, "limit"),
        ({"limit": "abc"}, "limit"),
        ({"offset": "-1"}, "offset"),
    ],
)
def test_bad_page_parameters_are_refused(
    client_for: ClientFactory, service: str, params: dict[str, str], field: str
) -> None:
    collection, _ = ROUTES[service]

    response = client_for(service).get(collection, params=params)

    body = assert_problem(response, 422)
    assert ["query", field] in [error["loc"] for error in _errors(body)]


@pytest.mark.parametrize("service", SERVICES)
def test_bad_path_parameter_is_refused(client_for: ClientFactory, service: str) -> None:
    collection, _ = ROUTES[service]

    # Neither a number nor a slug (a fiche is also found by its slug, such as "abc").
    response = client_for(service).get(f"{collection}/Abc!")

    assert_problem(response, 422)


# --- bad bodies on the catalogue, and nothing lost -------------------------------------------


def _use_case_count(databases: Databases) -> int:
    engine = create_db_engine(databases.urls["catalogue"], pool_size=1)
    try:
        with Session(engine) as session:
            return session.exec(select(func.count()).select_from(UseCase)).one()
    finally:
        engine.dispose()


def _catalogue(
    client_for: ClientFactory, databases: Databases
) -> tuple[TestClient, dict[str, str]]:
    """The catalogue with its demo data, a 2 KiB body limit and a moderator's headers."""
    engine = create_db_engine(databases.urls["catalogue"], pool_size=1)
    try:
        with Session(engine) as session:
            assert seed_catalogue(session) > 0
            session.commit()
    finally:
        engine.dispose()
    client = client_for("catalogue", max_body_bytes=2048)
    email = add_staff(
        databases.urls["accounts"], email="moderatrice@example.org", roles=["moderator"]
    )
    return client, bearer(client, email=email)


@dataclass(frozen=True)
class Saved:
    """What the catalogue holds before a bad request: a saved proposal and the counts."""

    draft_id: int
    published: int
    stored: int


def _save_draft(client: TestClient, headers: dict[str, str], databases: Databases) -> Saved:
    """Propose a fiche, then note what is saved (public fiches, and every row)."""
    created = client.post("/use-cases", json=VALID_PROPOSAL, headers=proof_of_work(client))
    assert created.status_code == 201, created.text
    draft_id = created.json()["id"]
    assert isinstance(draft_id, int)
    listing = client.get("/use-cases", params={"limit": 100})
    assert listing.status_code == 200
    published = listing.json()["total"]
    assert published > 0  # the demo's published fiches, so that a loss would show
    saved = Saved(draft_id=draft_id, published=published, stored=_use_case_count(databases))
    assert saved.stored > published  # the proposal (and unpublished demo fiches) too
    _assert_nothing_lost(client, headers, saved, databases)
    return saved


def _assert_nothing_lost(
    client: TestClient, headers: dict[str, str], saved: Saved, databases: Databases
) -> None:
    listing = client.get("/use-cases", params={"limit": 100})
    assert listing.status_code == 200
    assert listing.json()["total"] == saved.published
    draft = client.get(f"/moderation/use-cases/{saved.draft_id}", headers=headers)
    assert draft.status_code == 200, draft.text
    assert draft.json()["title"] == VALID_PROPOSAL["title"]
    assert draft.json()["status"] == "submitted"
    assert _use_case_count(databases) == saved.stored


def test_malformed_json_is_a_422_problem(client_for: ClientFactory, databases: Databases) -> None:
    client, headers = _catalogue(client_for, databases)
    saved = _save_draft(client, headers, databases)

    response = client.post(
        "/use-cases",
        content=b'{"title": "Tri", "summary": ',
        headers={"Content-Type": "application/json"},
    )

    body = assert_problem(response, 422)
    assert [error["type"] for error in _errors(body)] == ["json_invalid"]
    _assert_nothing_lost(client, headers, saved, databases)


def test_a_body_that_is_not_utf8_is_a_422_problem_in_french(
    client_for: ClientFactory, databases: Databases
) -> None:
    """Found by the contract fuzzing: FastAPI answered 400 in English, undocumented."""
    client, headers = _catalogue(client_for, databases)
    saved = _save_draft(client, headers, databases)

    response = client.post(
        "/use-cases", content=b"\xff", headers={"Content-Type": "application/json"}
    )

    body = assert_problem(response, 422)
    assert "UTF-8" in str(body["detail"])
    _assert_nothing_lost(client, headers, saved, databases)


def test_wrong_types_are_a_422_listing_the_fields(
    client_for: ClientFactory, databases: Databases
) -> None:
    client, headers = _catalogue(client_for, databases)
    saved = _save_draft(client, headers, databases)
    # Wrong types, a malformed code and a missing required field (submitter_email).
    payload = {
        "title": 12,
        "summary": ["pas", "une", "chaîne"],
        "yearly_volume": "beaucoup",
        "local_authority_code": "pas-un-code",
    }

    response = client.post("/use-cases", json=payload)

    body = assert_problem(response, 422)
    assert _failing_fields(body) == {
        "title",
        "summary",
        "yearly_volume",
        "local_authority_code",
        "submitter_email",
    }
    assert all(error["loc"][0] == "body" for error in _errors(body))
    _assert_nothing_lost(client, headers, saved, databases)


def _oversized_proposal() -> bytes:
    """Over 2 KiB, yet a valid proposal: only the size limit can refuse it."""
    return json.dumps({**VALID_PROPOSAL, "description": "x" * 3000}).encode()


def test_a_body_over_the_limit_is_a_413_problem(
    client_for: ClientFactory, databases: Databases
) -> None:
    client, headers = _catalogue(client_for, databases)
    saved = _save_draft(client, headers, databases)
    content = _oversized_proposal()

    response = client.post(
        "/use-cases",
        content=content,
        headers={"Content-Type": "application/json", "Content-Length": str(len(content))},
    )

    body = assert_problem(response, 413)
    assert "2048" in str(body["detail"])
    _assert_nothing_lost(client, headers, saved, databases)


def test_a_streamed_body_over_the_limit_is_a_413_problem(
    client_for: ClientFactory, databases: Databases
) -> None:
    client, headers = _catalogue(client_for, databases)
    saved = _save_draft(client, headers, databases)
    content = _oversized_proposal()

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(content), 512):
            yield content[start : start + 512]

    response = client.post(
        "/use-cases", content=chunks(), headers={"Content-Type": "application/json"}
    )

    assert "content-length" not in response.request.headers
    body = assert_problem(response, 413)
    assert "2048" in str(body["detail"])
    _assert_nothing_lost(client, headers, saved, databases)


def test_a_body_under_the_limit_is_accepted(
    client_for: ClientFactory, databases: Databases
) -> None:
    client, _ = _catalogue(client_for, databases)
    before = _use_case_count(databases)
    content = json.dumps({**VALID_PROPOSAL, "description": "y" * 1500}).encode()
    assert len(content) < 2048

    response = client.post(
        "/use-cases",
        content=iter([content]),
        headers={"Content-Type": "application/json", **proof_of_work(client)},
    )

    assert response.status_code == 201, response.text
    assert _use_case_count(databases) == before + 1


# --- logs ------------------------------------------------------------------------------------


def _request_log_lines(err: str) -> list[dict[str, Any]]:
    lines = [line for line in err.splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line is JSON
    return [record for record in records if record.get("name") == "services.requests"]


@pytest.mark.parametrize("service", SERVICES)
def test_json_log_line_carries_the_request_id(
    client_for: ClientFactory, service: str, capfd: pytest.CaptureFixture[str]
) -> None:
    collection, _ = ROUTES[service]
    client = client_for(service)
    capfd.readouterr()

    response = client.get(f"{collection}/123")

    records = _request_log_lines(capfd.readouterr().err)
    assert len(records) == 1
    record = records[0]
    assert record["request_id"] == response.headers["x-request-id"]
    assert record["method"] == "GET"
    assert record["path"] == f"{collection}/123"
    assert record["status"] == 404
    assert record["level"] == "INFO"
    assert isinstance(record["duration_ms"], float | int)


def test_text_log_line_carries_the_request_id(
    client_for: ClientFactory, capfd: pytest.CaptureFixture[str]
) -> None:
    client = client_for("catalogue", log_json=False)
    capfd.readouterr()

    response = client.get("/health")

    lines = [line for line in capfd.readouterr().err.splitlines() if "services.requests" in line]
    assert len(lines) == 1
    assert f"[{response.headers['x-request-id']}]" in lines[0]
    assert "GET /health 200" in lines[0]
    assert not lines[0].lstrip().startswith("{")
