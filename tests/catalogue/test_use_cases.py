"""The catalogue's use cases, read by the public and added by moderators."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from services.catalogue.models import UseCase
from services.catalogue.seed import DEMO_USE_CASES, seed_catalogue
from services.common.database import create_db_engine
from tests.conftest import ClientFactory, Databases
from tests.helpers import add_staff, assert_problem, bearer, id_of

PUBLISHED = [row for row in DEMO_USE_CASES if row[-1]]
DRAFT = next(row for row in DEMO_USE_CASES if not row[-1])

NEW_USE_CASE = {
    "title": "Aide à la rédaction des réponses aux usagers",
    "summary": "Propositions de réponses relues par les agents avant envoi.",
    "theme": "Relation aux usagers",
    "local_authority_code": "200046977",
    "local_authority_name": "Métropole de Lyon",
}


@pytest.fixture
def seeded(databases: Databases) -> Databases:
    engine = create_db_engine(databases.urls["catalogue"], pool_size=1)
    with Session(engine) as session:
        seed_catalogue(session)
        session.commit()
    engine.dispose()
    return databases


@pytest.fixture
def client(seeded: Databases, client_for: ClientFactory) -> TestClient:
    return client_for("catalogue")


@pytest.fixture
def moderator(client: TestClient, seeded: Databases) -> dict[str, str]:
    add_staff(seeded.urls["accounts"], email="moderatrice@example.org", roles=["moderator"])
    return bearer(client, email="moderatrice@example.org")


def titles(body: dict[str, Any]) -> list[str]:
    return [item["title"] for item in body["items"]]


def test_the_public_sees_published_use_cases_newest_first(client: TestClient) -> None:
    body = client.get("/use-cases").json()

    assert body["total"] == len(PUBLISHED)
    assert titles(body) == [row[1] for row in PUBLISHED]
    assert DRAFT[1] not in titles(body)
    first = body["items"][0]
    assert first["local_authority_name"] == "Métropole de Lyon"
    assert first["status"] == "published"
    assert first["published_at"].endswith("Z")  # UTC, on SQLite as on PostgreSQL


def test_pages_cover_the_whole_list_once(client: TestClient) -> None:
    pages = [
        client.get("/use-cases", params={"limit": 3, "offset": offset}).json()
        for offset in (0, 3, 6)
    ]

    seen = [title for page in pages for title in titles(page)]
    assert seen == [row[1] for row in PUBLISHED]
    assert all(page["total"] == len(PUBLISHED) for page in pages)
    assert pages[1]["limit"] == 3
    assert pages[1]["offset"] == 3


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "piscines"}, ["Prévision de la fréquentation des piscines"]),
        ({"q": "STRASBOURG"}, ["Transcription des séances du conseil"]),
        ({"q": "100%_"}, []),
        (
            {"theme": "Relation aux usagers"},
            [
                "Tri automatique des courriers entrants",
                "Orientation vers les aides départementales",
            ],
        ),
    ],
)
def test_search_and_filter(client: TestClient, params: dict[str, str], expected: list[str]) -> None:
    body = client.get("/use-cases", params=params).json()

    assert titles(body) == expected
    assert body["total"] == len(expected)


def test_a_published_use_case_is_shown_and_a_draft_is_not(
    client: TestClient, seeded: Databases
) -> None:
    listed = client.get("/use-cases", params={"limit": 1}).json()["items"][0]

    shown = client.get(f"/use-cases/{listed['id']}")
    assert shown.status_code == 200
    assert shown.json() == listed

    draft_id = id_of(seeded.urls["catalogue"], UseCase, slug=DRAFT[0])
    assert_problem(client.get(f"/use-cases/{draft_id}"), 404)
    assert_problem(client.get("/use-cases/999999"), 404)
    assert_problem(client.get("/use-cases/abc"), 422)
    assert_problem(client.get("/use-cases/99999999999"), 422)  # beyond any stored id
    assert_problem(client.get("/use-cases", params={"q": "eau\x00"}), 422)


def test_a_moderator_adds_a_draft_the_public_cannot_see(
    client: TestClient, moderator: dict[str, str]
) -> None:
    created = client.post("/use-cases", json=NEW_USE_CASE, headers=moderator)

    assert created.status_code == 201, created.text
    body = created.json()
    assert body["status"] == "draft"
    assert body["slug"] == "aide-a-la-redaction-des-reponses-aux-usagers"
    assert created.headers["location"] == f"/use-cases/{body['id']}"
    assert (
        client.get(created.headers["location"], headers=moderator).json()["title"]
        == NEW_USE_CASE["title"]
    )
    assert_problem(client.get(created.headers["location"]), 404)
    assert client.get("/use-cases").json()["total"] == len(PUBLISHED)


def test_two_drafts_with_one_title_get_distinct_slugs(
    client: TestClient, moderator: dict[str, str]
) -> None:
    slugs = [
        client.post("/use-cases", json=NEW_USE_CASE, headers=moderator).json()["slug"]
        for _ in range(2)
    ]

    assert slugs == [
        "aide-a-la-redaction-des-reponses-aux-usagers",
        "aide-a-la-redaction-des-reponses-aux-usagers-2",
    ]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("local_authority_code", "12345"),
        ("local_authority_code", 200046977),
        ("title", ""),
        ("summary", None),
        ("title", "Titre avec un \x00 nul"),
    ],
)
def test_an_invalid_use_case_is_refused_and_nothing_is_saved(
    client: TestClient, moderator: dict[str, str], field: str, value: object
) -> None:
    response = client.post("/use-cases", json={**NEW_USE_CASE, field: value}, headers=moderator)

    body = assert_problem(response, 422)
    assert ["body", field] in [error["loc"] for error in body["errors"]]  # type: ignore[attr-defined]
    assert client.get("/use-cases").json()["total"] == len(PUBLISHED)


def test_adding_needs_a_moderator(client: TestClient, seeded: Databases) -> None:
    assert_problem(client.post("/use-cases", json=NEW_USE_CASE), 401)
    add_staff(seeded.urls["accounts"], email="analyste@example.org", roles=["analyst"])
    analyst = bearer(client, email="analyste@example.org")
    assert_problem(client.post("/use-cases", json=NEW_USE_CASE, headers=analyst), 403)
