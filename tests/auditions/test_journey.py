"""The organisers' path: invite, collect availability, place, fix a clash, release, update."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar

from services.auditions.personal_data import erase
from services.common.database import create_db_engine
from tests.auditions.support import editing
from tests.conftest import Databases
from tests.helpers import assert_problem, private_link
from tests.mailbox import Mailbox, text_of

PARIS = ZoneInfo("Europe/Paris")
CONTACT = "claire.martin@asso-numerique.example"


def paris(day: int, hour: int, minute: int = 0) -> str:
    return datetime(2023, 7, day, hour, minute, tzinfo=PARIS).isoformat()


def invite_and_answer(
    client: TestClient, organiser: dict[str, str], event_id: int, mailbox: Mailbox
) -> int:
    actor = client.post(
        f"/events/{event_id}/actors",
        headers=organiser,
        json={
            "name": "Association Numérique Solidaire",
            "kind": "association",
            "contacts": [{"name": "Claire Martin", "email": CONTACT}],
        },
    )
    assert actor.status_code == 201, actor.text
    actor_id: int = actor.json()["id"]
    sent = client.post(
        f"/events/{event_id}/invitations", headers=organiser, json={"actor_id": actor_id}
    )
    assert sent.status_code == 201, sent.text

    link = re.search(r"https?://\S+/disponibilites\.html#(\S+)", text_of(mailbox.wait_for(CONTACT)))
    assert link is not None
    token = link.group(1)
    form = client.post("/availability/open", headers=private_link(token))
    assert form.status_code == 200, form.text
    assert form.json()["actor_name"] == "Association Numérique Solidaire"
    answer = client.post(
        "/availability/answer",
        headers=private_link(token),
        json={
            "delegation_size": 3,
            "mode": "in_person",
            "contribution": "Notre note.",
            "availability": [
                {"start": paris(12, 9), "end": paris(12, 12, 30), "answer": "yes"},
                {"start": paris(13, 14), "end": paris(13, 19), "answer": "maybe"},
            ],
        },
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "answered"
    mailbox.clear()
    return actor_id


@pytest.fixture
def client(service: TestClient) -> TestClient:
    """No demo here: each journey starts from an event with one room (`event_id`)."""
    return service


@pytest.fixture
def event_id(small_event: int) -> int:
    return small_event


def test_invite_place_release_and_update(
    client: TestClient, organiser: dict[str, str], demo_event_id: int, mailbox: Mailbox
) -> None:
    event_id = demo_event_id  # reads the demo
    actor_id = invite_and_answer(client, organiser, event_id, mailbox)
    draft = client.get(f"/events/{event_id}/draft", headers=organiser).json()
    room = client.post(
        f"/events/{event_id}/rooms",
        headers=organiser,
        json={"name": "Salle Jaurès", "kind": "physical", "capacity": 10},
    ).json()["id"]
    member = draft["members"][5]
    hearing = client.post(
        f"/events/{event_id}/hearings",
        headers=organiser,
        json={
            "title": "Association Numérique Solidaire",
            "actor_ids": [actor_id],
            "duration_minutes": 45,
            "mode": "in_person",
            "delegation_size": 3,
            "requirements": [{"member_ids": [member["id"]], "min_count": 1}],
        },
    )
    assert hearing.status_code == 201, hearing.text
    hearing_id = hearing.json()["hearing"]["id"]
    kinds = {w["kind"] for w in hearing.json()["warnings"]}
    assert kinds == {"unscheduled"}

    # The member is declared unavailable on 12 July in the morning: a warning, not a refusal.
    client.put(
        f"/events/{event_id}/members/{member['id']}",
        headers={**organiser, "If-Match": f'"{member["version"]}"'},
        json={
            "name": member["name"],
            "email": member["email"],
            "role": member["role"],
            "unavailability": [{"start": paris(12, 9), "end": paris(12, 11)}],
        },
    ).raise_for_status()
    placed = client.put(
        f"/events/{event_id}/hearings/{hearing_id}/placement",
        headers={**organiser, "If-Match": '"1"'},
        json={"room_id": room, "starts_at": paris(12, 10), "member_ids": [member["id"]]},
    )
    assert placed.status_code == 200, placed.text
    assert placed.headers["ETag"] == '"2"'
    assert "member_unavailable" in {w["kind"] for w in placed.json()["warnings"]}
    assert any(
        w["hearing_id"] == hearing_id and w["kind"] == "member_unavailable"
        for w in client.get(f"/events/{event_id}/warnings", headers=organiser).json()
    )

    # A stale version is refused and changes nothing.
    stale = client.put(
        f"/events/{event_id}/hearings/{hearing_id}/placement",
        headers={**organiser, "If-Match": '"1"'},
        json={"room_id": room, "starts_at": paris(12, 11)},
    )
    assert_problem(stale, 412)

    fixed = client.put(
        f"/events/{event_id}/hearings/{hearing_id}/placement",
        headers={**organiser, "If-Match": '"2"'},
        json={"room_id": room, "starts_at": paris(12, 11, 15), "member_ids": [member["id"]]},
    )
    assert fixed.json()["warnings"] == [], fixed.text

    released = client.post(
        f"/events/{event_id}/releases",
        headers=organiser,
        json={"name": "Version 2", "changelog": "Ajout de l'association."},
    )
    assert released.status_code == 201, released.text

    agenda = client.get(f"/events/{event_id}/agenda").json()
    entry = next(e for e in agenda["entries"] if e["hearing_id"] == hearing_id)
    assert datetime.fromisoformat(entry["starts_at"]) == datetime(2023, 7, 12, 11, 15, tzinfo=PARIS)
    assert CONTACT not in client.get(f"/events/{event_id}/agenda").text

    feed = Calendar.from_ical(client.get(f"/events/{event_id}/agenda.ics").content)
    event = next(e for e in feed.walk("VEVENT") if "Numérique" in str(e["SUMMARY"]))
    assert event.decoded("DTSTART") == datetime(2023, 7, 12, 11, 15, tzinfo=PARIS)
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert "METHOD" not in feed
    uid = str(event["UID"])

    outbox = client.get(f"/events/{event_id}/outbox", headers=organiser).json()
    held = [m for m in outbox if m["status"] == "held"]
    assert held
    assert all(m["kind"] == "hearing-invitation" for m in held)
    client.post(
        f"/events/{event_id}/outbox/release",
        headers=organiser,
        json={"ids": [m["id"] for m in held]},
    ).raise_for_status()
    first = _calendar_for(mailbox, CONTACT, "REQUEST")
    assert str(first["UID"]) == uid
    assert int(first["SEQUENCE"]) == 0

    # Moving it after publication: a new release sends an update with a higher SEQUENCE.
    mailbox.clear()
    client.put(
        f"/events/{event_id}/hearings/{hearing_id}/placement",
        headers=editing(client, organiser, f"/events/{event_id}/hearings/{hearing_id}"),
        json={"room_id": room, "starts_at": paris(13, 15)},
    ).raise_for_status()
    client.post(
        f"/events/{event_id}/releases",
        headers=organiser,
        json={"name": "Version 3", "changelog": "Audition déplacée."},
    ).raise_for_status()
    held = [
        m
        for m in client.get(f"/events/{event_id}/outbox", headers=organiser).json()
        if m["status"] == "held"
    ]
    client.post(
        f"/events/{event_id}/outbox/release",
        headers=organiser,
        json={"ids": [m["id"] for m in held]},
    ).raise_for_status()
    update = _calendar_for(mailbox, CONTACT, "REQUEST")
    assert str(update["UID"]) == uid
    assert int(update["SEQUENCE"]) == 1
    assert update.decoded("DTSTART") == datetime(2023, 7, 13, 15, 0, tzinfo=PARIS)
    assert update.decoded("DTEND") == datetime(2023, 7, 13, 15, 45, tzinfo=PARIS)


def _calendar_for(mailbox: Mailbox, to: str, method: str):  # type: ignore[no-untyped-def]
    message = mailbox.wait_for(to)
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    assert part.get_param("method") == method
    calendar = Calendar.from_ical(part.get_content())
    assert str(calendar["METHOD"]) == method
    [timezone] = calendar.walk("VTIMEZONE")
    assert str(timezone["TZID"]) == "Europe/Paris"
    return next(iter(calendar.walk("VEVENT")))


def test_a_declined_invitation_makes_its_actor_unavailable(
    client: TestClient, organiser: dict[str, str], event_id: int, mailbox: Mailbox
) -> None:
    actor_id = invite_and_answer(client, organiser, event_id, mailbox)
    hearing = client.post(
        f"/events/{event_id}/hearings",
        headers=organiser,
        json={"title": "Refus", "actor_ids": [actor_id], "duration_minutes": 30},
    ).json()["hearing"]
    room = client.post(
        f"/events/{event_id}/rooms",
        headers=organiser,
        json={"name": "Salle Hugo", "kind": "physical", "capacity": 20},
    ).json()["id"]
    placed = client.put(
        f"/events/{event_id}/hearings/{hearing['id']}/placement",
        headers=editing(client, organiser, f"/events/{event_id}/hearings/{hearing['id']}"),
        json={"room_id": room, "starts_at": paris(12, 9)},
    ).json()
    assert {w["kind"] for w in placed["warnings"]} == set()

    client.post(f"/events/{event_id}/invitations", headers=organiser, json={"actor_id": actor_id})
    link = re.search(r"#(\S+)", text_of(mailbox.wait_for(CONTACT)))
    assert link is not None
    declined = client.post(
        "/availability/answer", headers=private_link(link.group(1)), json={"declined": True}
    )
    assert declined.json()["status"] == "declined"

    kinds = {
        w["kind"]
        for w in client.get(f"/events/{event_id}/warnings", headers=organiser).json()
        if w["hearing_id"] == hearing["id"]
    }
    assert kinds == {"actor_unavailable"}


def test_reminders_replace_the_link_of_those_who_did_not_answer(
    client: TestClient, organiser: dict[str, str], event_id: int, mailbox: Mailbox
) -> None:
    answered = invite_and_answer(client, organiser, event_id, mailbox)
    silent = client.post(
        f"/events/{event_id}/actors",
        headers=organiser,
        json={
            "name": "Muette",
            "kind": "company",
            "contacts": [{"name": "Max", "email": "max@muette.example"}],
        },
    ).json()["id"]
    client.post(f"/events/{event_id}/invitations", headers=organiser, json={"actor_id": silent})
    first = re.search(r"#(\S+)", text_of(mailbox.wait_for("max@muette.example")))
    assert first is not None
    mailbox.clear()

    reminded = client.post(f"/events/{event_id}/invitations/reminders", headers=organiser).json()

    assert [(i["actor_id"], i["reminders_sent"]) for i in reminded] == [(silent, 1)]
    message = mailbox.wait_for("max@muette.example")
    assert message["Subject"].startswith("Rappel : ")
    second = re.search(r"#(\S+)", text_of(message))
    assert second is not None
    assert (
        client.post("/availability/open", headers=private_link(first.group(1))).status_code == 404
    )
    assert (
        client.post("/availability/open", headers=private_link(second.group(1))).status_code == 200
    )
    assert answered not in {i["actor_id"] for i in reminded}


def test_a_reminder_never_brings_back_the_link_of_an_erased_person(
    client: TestClient,
    organiser: dict[str, str],
    event_id: int,
    mailbox: Mailbox,
    databases: Databases,
) -> None:
    actor = client.post(
        f"/events/{event_id}/actors",
        headers=organiser,
        json={
            "name": "Effacée",
            "kind": "company",
            "contacts": [{"name": "Eve", "email": "eve@effacee.example"}],
        },
    ).json()["id"]
    client.post(f"/events/{event_id}/invitations", headers=organiser, json={"actor_id": actor})
    link = re.search(r"#(\S+)", text_of(mailbox.wait_for("eve@effacee.example")))
    assert link is not None
    engine = create_db_engine(databases.urls["auditions"], pool_size=1)
    with engine.begin() as connection:
        assert erase(connection, "eve@effacee.example")["invitation"] == 1
    engine.dispose()
    invitation = client.get(f"/events/{event_id}/invitations", headers=organiser).json()[0]

    reminded = client.post(f"/events/{event_id}/invitations/reminders", headers=organiser)
    one = client.post(
        f"/events/{event_id}/invitations/{invitation['id']}/reminder", headers=organiser
    )

    assert reminded.json() == []
    assert_problem(one, 409)
    assert_problem(client.post("/availability/open", headers=private_link(link.group(1))), 404)
