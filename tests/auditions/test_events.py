"""Hearing events as the public sees them."""

from __future__ import annotations

from fastapi.testclient import TestClient

from services.auditions.models import Event
from tests.conftest import Databases
from tests.helpers import assert_problem, id_of


def test_the_july_hearings_are_listed_with_their_rules(client: TestClient) -> None:
    body = client.get("/events").json()

    assert body["total"] == 1
    event = body["items"][0]
    assert event["title"] == "Auditions nationales de juillet 2023"
    assert (event["starts_on"], event["ends_on"]) == ("2023-07-11", "2023-07-20")
    detail = client.get(f"/events/{event['id']}").json()
    assert detail["timezone"] == "Europe/Paris"
    assert detail["excluded_dates"] == ["2023-07-14"]
    assert (detail["day_start"], detail["lunch_start"], detail["grid_minutes"]) == (
        "09:00",
        "12:30",
        15,
    )
    assert [r["kind"] for r in detail["rooms"]] == ["physical", "physical", "physical", "video"]
    assert len(detail["themes"]) == 3


def test_an_unpublished_event_is_not_found(client: TestClient, databases: Databases) -> None:
    listed = client.get("/events").json()["items"][0]["id"]
    hidden = id_of(databases.urls["auditions"], Event, slug="auditions-complementaires-2023")
    assert hidden != listed

    assert_problem(client.get(f"/events/{hidden}"), 404)
    assert_problem(client.get(f"/events/{hidden}/agenda"), 404)
    assert_problem(client.get(f"/events/{hidden}/agenda.ics"), 404)


def test_the_demo_agenda_is_public_without_private_data(client: TestClient, event_id: int) -> None:
    agenda = client.get(f"/events/{event_id}/agenda")

    assert agenda.status_code == 200
    body = agenda.json()
    assert body["release"]["name"] == "Version 1"
    assert len(body["entries"]) == 40
    assert "@" not in agenda.text
    assert "member_ids" not in agenda.text
    assert "actor_ids" not in agenda.text
    assert "@" not in client.get(f"/events/{event_id}/agenda.ics").text.replace("@auditions", "")
