"""Incremental sync: `GET /use-cases/changes?since=…` as an integrator copying the catalogue uses it."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.catalogue.conftest import Act, FicheFactory
from tests.catalogue.support import Catalogue
from tests.helpers import assert_problem

CHANGES = "/use-cases/changes"


def _changes(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get(CHANGES, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _seen(body: dict[str, Any]) -> list[tuple[int, str]]:
    return [(item["id"], item["change"]) for item in body["items"]]


def test_changes_since_a_cursor_follow_publication_update_and_withdrawal(
    catalogue: Catalogue, fiche: FicheFactory, act: Act
) -> None:
    client = catalogue.client
    first = fiche(title="Tri des courriers entrants")
    second = fiche(title="Détection des dépôts sauvages")
    fiche(published=False, title="Brouillon jamais publié")

    start = _changes(client)
    assert _seen(start) == [(first.id, "created"), (second.id, "created")]
    assert start["items"][0]["slug"] == first.slug
    assert start["items"][0]["url"].endswith(f"/use-cases/{first.id}")
    assert start["more"] is False

    # Nothing new: no change, and the same cursor to come back with.
    idle = _changes(client, since=start["next"])
    assert idle == {"items": [], "next": start["next"], "more": False}

    # A pending update is private; its publication is an update.
    act(first.id, "update", title="Tri automatique des courriers")
    assert _changes(client, since=start["next"])["items"] == []
    act(first.id, "publish")
    act(second.id, "retract")
    later = _changes(client, since=start["next"])
    assert _seen(later) == [(first.id, "updated"), (second.id, "withdrawn")]
    withdrawn = later["items"][1]
    assert withdrawn["url"] is None
    assert set(withdrawn) == {"id", "slug", "change", "at", "version", "url"}
    assert later["items"][0]["at"] <= withdrawn["at"]

    # A fiche published again after its retraction comes back as created; archiving withdraws.
    act(second.id, "publish")
    act(first.id, "archive")
    last = _changes(client, since=later["next"])
    assert _seen(last) == [(second.id, "created"), (first.id, "withdrawn")]
    assert "agent@example.fr" not in client.get(CHANGES).text

    # The whole log, read a page at a time, is the same as in one go.
    pages: list[tuple[int, str]] = []
    cursor: str | None = None
    while True:
        page = _changes(client, limit=2, **({"since": cursor} if cursor else {}))
        pages.extend(_seen(page))
        cursor = page["next"]
        if not page["more"]:
            break
    assert pages == _seen(_changes(client))
    assert len(pages) == 6


def _cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "since",
    ["pas-un-curseur", "%%%", _cursor("v2:3"), _cursor("v1:x"), _cursor("v1:99999999999"), "é"],
)
def test_a_bad_cursor_is_a_problem(catalogue: Catalogue, since: str) -> None:
    body = assert_problem(catalogue.client.get(CHANGES, params={"since": since}), 422)
    assert body["errors"][0]["loc"] == ["query", "since"]  # type: ignore[index]


def test_changes_bounds(catalogue: Catalogue) -> None:
    client = catalogue.client
    for params in ({"limit": 0}, {"limit": 501}, {"since": "x" * 101}, {"depuis": "1"}):
        assert_problem(client.get(CHANGES, params=params), 422)
