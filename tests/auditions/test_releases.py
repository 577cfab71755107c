"""Releases: override of hard warnings, diff, cancellation, minutes on the agenda, feeds."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar

from tests.auditions.support import editing
from tests.helpers import assert_problem
from tests.mailbox import Mailbox

from .test_journey import paris


@pytest.fixture
def client(service: TestClient) -> TestClient:
    """No demo here unless a test asks for `demo_event_id`: the others read what they make."""
    return service


@pytest.fixture
def event_id(small_event: int) -> int:
    return small_event


def new_hearing(
    client: TestClient, organiser: dict[str, str], event_id: int, **extra: Any
) -> dict[str, Any]:
    body = {"title": "Audition test", "duration_minutes": 45, **extra}
    response = client.post(f"/events/{event_id}/hearings", headers=organiser, json=body)
    assert response.status_code == 201, response.text
    hearing: dict[str, Any] = response.json()["hearing"]
    return hearing


def release(
    client: TestClient, organiser: dict[str, str], event_id: int, name: str, **extra: Any
) -> Any:
    return client.post(
        f"/events/{event_id}/releases",
        headers=organiser,
        json={"name": name, "changelog": f"{name}.", **extra},
    )


def test_hard_warnings_need_an_explicit_override(
    client: TestClient, organiser: dict[str, str], demo_event_id: int
) -> None:
    event_id = demo_event_id  # reads the demo
    hearing = new_hearing(client, organiser, event_id)
    room = client.get(f"/events/{event_id}").json()["rooms"][0]["id"]
    client.put(
        f"/events/{event_id}/hearings/{hearing['id']}/placement",
        headers=editing(client, organiser, f"/events/{event_id}/hearings/{hearing['id']}"),
        json={"room_id": room, "starts_at": paris(14, 10)},
    ).raise_for_status()

    refused = release(client, organiser, event_id, "Version 2")
    body = assert_problem(refused, 409)
    assert body["hard_warnings"] == 1
    assert client.get(f"/events/{event_id}/agenda").json()["release"]["name"] == "Version 1"

    assert (
        release(client, organiser, event_id, "Version 2", override_hard_warnings=True).status_code
        == 201
    )
    assert client.get(f"/events/{event_id}/agenda").json()["release"]["name"] == "Version 2"


def test_diff_cancellation_and_minutes(
    client: TestClient, organiser: dict[str, str], demo_event_id: int, mailbox: Mailbox
) -> None:
    event_id = demo_event_id  # reads the demo
    draft = client.get(f"/events/{event_id}/draft", headers=organiser).json()
    moved, cancelled = draft["hearings"][0], draft["hearings"][1]
    member = next(m for m in draft["members"] if m["id"] in cancelled["member_ids"])
    client.put(
        f"/events/{event_id}/hearings/{moved['id']}/placement",
        headers=editing(client, organiser, f"/events/{event_id}/hearings/{moved['id']}"),
        json={"room_id": moved["room_id"], "starts_at": paris(18, 9)},
    ).raise_for_status()
    client.post(
        f"/events/{event_id}/hearings/{cancelled['id']}/cancel",
        headers=editing(client, organiser, f"/events/{event_id}/hearings/{cancelled['id']}"),
    ).raise_for_status()
    minutes = client.put(
        f"/events/{event_id}/hearings/{moved['id']}/minutes",
        headers=editing(client, organiser, f"/events/{event_id}/hearings/{moved['id']}/minutes"),
        json={
            "body": "# Compte rendu\n\n<script>alert(1)</script> **Points clés**",
            "status": "published",
        },
    )
    assert minutes.status_code == 200
    assert release(client, organiser, event_id, "Version 2").status_code == 201

    releases = client.get(f"/events/{event_id}/releases").json()
    assert [r["name"] for r in releases] == ["Version 2", "Version 1"]
    diff = client.get(
        f"/events/{event_id}/releases/diff",
        params={"from": releases[1]["id"], "to": releases[0]["id"]},
    ).json()
    assert [e["hearing_id"] for e in diff["removed"]] == [cancelled["id"]]
    assert [m["after"]["hearing_id"] for m in diff["moved"]] == [moved["id"]]
    assert diff["added"] == []

    agenda = client.get(f"/events/{event_id}/agenda").json()
    entry = next(e for e in agenda["entries"] if e["hearing_id"] == moved["id"])
    # Markdown is returned as text; the page shows it as text, never as HTML.
    assert entry["minutes"].startswith("# Compte rendu")
    assert cancelled["id"] not in {e["hearing_id"] for e in agenda["entries"]}

    outbox = client.get(f"/events/{event_id}/outbox", headers=organiser).json()
    cancel = next(m for m in outbox if m["kind"] == "hearing-cancel")
    assert cancel["status"] == "held"
    assert member["email"] in cancel["recipients"]
    client.post(
        f"/events/{event_id}/outbox/release", headers=organiser, json={"ids": [cancel["id"]]}
    )
    message = mailbox.wait_for(member["email"])
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    calendar = Calendar.from_ical(part.get_content())
    [event] = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == cancelled["ical_uid"]
    assert int(str(event["SEQUENCE"])) == cancelled["ical_sequence"] + 1


def test_a_member_subscribes_to_a_secret_feed(
    client: TestClient, organiser: dict[str, str], demo_event_id: int
) -> None:
    event_id = demo_event_id  # reads the demo
    draft = client.get(f"/events/{event_id}/draft", headers=organiser).json()
    member = draft["members"][1]
    sitting = {h["ical_uid"] for h in draft["hearings"] if member["id"] in h["member_ids"]}
    path = client.post(f"/events/{event_id}/members/{member['id']}/feed", headers=organiser).json()[
        "path"
    ]

    feed = client.get(path)

    assert feed.headers["content-type"].startswith("text/calendar")
    uids = {str(e["UID"]) for e in Calendar.from_ical(feed.content).walk("VEVENT")}
    assert uids == sitting
    renewed = client.post(
        f"/events/{event_id}/members/{member['id']}/feed", headers=organiser
    ).json()["path"]
    assert_problem(client.get(path), 404)
    assert client.get(renewed).status_code == 200


def test_outbox_release_refuses_other_ids(
    client: TestClient, organiser: dict[str, str], event_id: int
) -> None:
    refused = client.post(
        f"/events/{event_id}/outbox/release", headers=organiser, json={"ids": [424242]}
    )
    assert assert_problem(refused, 422)["errors"] == [
        {
            "loc": ["body", "ids", 0],
            "msg": "Message inconnu pour cet événement.",
            "type": "value_error",
        }
    ]


def test_the_cached_agenda_follows_minutes_and_answers_304(
    client: TestClient, organiser: dict[str, str], demo_event_id: int
) -> None:
    event_id = demo_event_id  # reads the demo
    first = client.get(f"/events/{event_id}/agenda")
    tag = first.headers["ETag"]
    assert (
        client.get(f"/events/{event_id}/agenda", headers={"If-None-Match": tag}).status_code == 304
    )
    hearing_id = first.json()["entries"][0]["hearing_id"]

    client.put(
        f"/events/{event_id}/hearings/{hearing_id}/minutes",
        headers=editing(client, organiser, f"/events/{event_id}/hearings/{hearing_id}/minutes"),
        json={"body": "Compte rendu validé.", "status": "published"},
    ).raise_for_status()

    again = client.get(f"/events/{event_id}/agenda", headers={"If-None-Match": tag})
    assert again.status_code == 200
    entry = next(e for e in again.json()["entries"] if e["hearing_id"] == hearing_id)
    assert entry["minutes"] == "Compte rendu validé."
    client.put(
        f"/events/{event_id}/hearings/{hearing_id}/minutes",
        headers=editing(client, organiser, f"/events/{event_id}/hearings/{hearing_id}/minutes"),
        json={"body": "Compte rendu validé.", "status": "draft"},
    ).raise_for_status()
    hidden = client.get(f"/events/{event_id}/agenda").json()
    assert next(e for e in hidden["entries"] if e["hearing_id"] == hearing_id)["minutes"] is None


def test_a_hearing_taken_out_then_back_keeps_raising_its_sequence(
    client: TestClient, organiser: dict[str, str], demo_event_id: int
) -> None:
    event_id = demo_event_id  # reads the demo
    hearing = client.get(f"/events/{event_id}/draft", headers=organiser).json()["hearings"][2]
    url = f"/events/{event_id}/hearings/{hearing['id']}"
    client.put(
        f"{url}/placement", headers=editing(client, organiser, url), json={}
    ).raise_for_status()
    assert (
        release(client, organiser, event_id, "Sans", override_hard_warnings=True).status_code == 201
    )
    assert client.get(url, headers=organiser).json()["hearing"]["ical_sequence"] == 1

    back = {"room_id": hearing["room_id"], "starts_at": hearing["starts_at"]}
    client.put(
        f"{url}/placement", headers=editing(client, organiser, url), json=back
    ).raise_for_status()
    assert (
        release(client, organiser, event_id, "Avec", override_hard_warnings=True).status_code == 201
    )

    assert client.get(url, headers=organiser).json()["hearing"]["ical_sequence"] == 2
    feed = Calendar.from_ical(client.get(f"/events/{event_id}/agenda.ics").content)
    event = next(e for e in feed.walk("VEVENT") if str(e["UID"]) == hearing["ical_uid"])
    assert int(str(event["SEQUENCE"])) == 2
