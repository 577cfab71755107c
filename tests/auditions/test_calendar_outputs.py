"""Every calendar the service writes — the invitation e-mails' parts, the public agenda's .ics
and the personal feeds — read by icalendar and vobject: CRLF lines of at most 75 octets, and
staff-typed titles, rooms and organisation names that cannot break or extend a property."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from services.auditions.models import Hearing, Room
from services.common.database import create_db_engine
from tests.auditions.conftest import Make
from tests.auditions.ical_checks import calendar_part, checked_calendar, vobject_event
from tests.auditions.itip_support import stage
from tests.conftest import Databases
from tests.mailbox import Mailbox

MEMBER = ("Anne Moreau", "anne.moreau@commission.example")
CONTACT = ("Luc Girard", "luc.girard@association.example")

# Typed through the API (a JSON body may hold line breaks), then what calendars must show.
TYPED = {
    "title": "Chambres\nATTENDEE:mailto:intrus@example.org\r\nMETHOD:CANCEL; a, b \\ c",
    "room": "Salle\rLOCATION:ailleurs; 2e étage, aile \\ nord",
    "actor": "Association\nDESCRIPTION:remplacée; des maires, \\ rurale",
}
SHOWN = {
    "title": "Audition : Chambres ATTENDEE:mailto:intrus@example.org METHOD:CANCEL; a, b \\ c",
    "room": "Salle LOCATION:ailleurs; 2e étage, aile \\ nord",
    "description": "Organisation(s) : Association\nDESCRIPTION:remplacée; des maires, \\ rurale",
}
EVENT_PROPERTIES = {
    "UID",
    "SEQUENCE",
    "DTSTAMP",
    "DTSTART",
    "DTEND",
    "SUMMARY",
    "LOCATION",
    "DESCRIPTION",
    "STATUS",
}


@pytest.fixture
def published(
    service: TestClient, organiser: dict[str, str], make: Make, mailbox: Mailbox
) -> dict[str, Any]:
    scene = stage(service, organiser, make, organizer_email="secretariat@commission.example")
    room = make.room(scene.event_id, name=TYPED["room"])
    scene.room_id = room["id"]
    member = scene.member(*MEMBER)
    actor = service.post(
        f"/events/{scene.event_id}/actors",
        headers=organiser,
        json={
            "name": TYPED["actor"],
            "kind": "association",
            "contacts": [{"name": CONTACT[0], "email": CONTACT[1]}],
        },
    )
    assert actor.status_code == 201, actor.text
    hearing = scene.place(
        scene.hearing(TYPED["title"], actor_ids=[actor.json()["id"]]), member_ids=[member["id"]]
    )
    scene.release("Version 1")
    scene.send_held()
    feed = service.post(
        f"/events/{scene.event_id}/members/{member['id']}/feed", headers=organiser
    ).json()["path"]
    return {"scene": scene, "hearing": hearing, "feed": feed}


def outputs(service: TestClient, mailbox: Mailbox, published: dict[str, Any]) -> dict[str, bytes]:
    scene = published["scene"]
    return {
        "invitation (membre)": calendar_part(mailbox.wait_for(MEMBER[1]))[0],
        "invitation (contact)": calendar_part(mailbox.wait_for(CONTACT[1]))[0],
        "agenda public": service.get(f"/events/{scene.event_id}/agenda.ics").content,
        "agenda personnel": service.get(published["feed"]).content,
    }


def test_every_calendar_output_holds_the_typed_text_in_its_own_properties(
    service: TestClient, mailbox: Mailbox, published: dict[str, Any]
) -> None:
    uid = published["hearing"]["ical_uid"]
    for name, raw in outputs(service, mailbox, published).items():
        calendar = checked_calendar(raw)
        [event] = [e for e in calendar.walk("VEVENT") if str(e["UID"]) == uid]
        invitation = name.startswith("invitation")
        expected = EVENT_PROPERTIES | ({"ORGANIZER", "ATTENDEE"} if invitation else set())
        assert set(event) == expected, name
        assert str(calendar.get("METHOD", "")) == ("REQUEST" if invitation else ""), name
        assert str(event["SUMMARY"]) == SHOWN["title"], name
        assert str(event["LOCATION"]) == SHOWN["room"], name
        assert str(event["DESCRIPTION"]) == SHOWN["description"], name
        vevent = vobject_event(raw, uid)
        assert vevent.summary.value == SHOWN["title"], name
        assert vevent.location.value == SHOWN["room"], name
        assert vevent.description.value == SHOWN["description"], name
        if invitation:
            assert str(event["ORGANIZER"]) == "mailto:secretariat@commission.example"
            found: Any = event.get("ATTENDEE")
            assert {str(a) for a in found} == {f"mailto:{MEMBER[1]}", f"mailto:{CONTACT[1]}"}


def test_the_subject_of_an_invitation_is_one_line(
    service: TestClient, mailbox: Mailbox, published: dict[str, Any]
) -> None:
    message = mailbox.wait_for(MEMBER[1])
    assert "\n" not in str(message["Subject"])
    assert "\r" not in str(message["Subject"])
    assert str(message["Subject"]).startswith("Audition « Chambres ATTENDEE:mailto:")
    assert message["Reply-To"] == "secretariat@commission.example"


@pytest.mark.parametrize("character", ["\x01", "\x1b", "\x7f", "\x85", "\u2028", "\x0b"])
def test_a_control_character_stored_before_the_edge_checks_stays_out_of_the_feeds(
    service: TestClient,
    databases: Databases,
    mailbox: Mailbox,
    published: dict[str, Any],
    character: str,
) -> None:
    """Written past the API (as older rows may hold), into the draft: the next release's
    invitation and the feeds still read cleanly."""
    scene = published["scene"]
    engine = create_db_engine(databases.urls["auditions"], pool_size=1)
    try:
        with Session(engine) as session:
            for hearing in session.exec(select(Hearing)):
                hearing.title = f"Avant{character}après"
            for room in session.exec(select(Room)):
                room.name = f"Salle{character}12"
            session.commit()
    finally:
        engine.dispose()
    scene.place(published["hearing"], day=13, hour=11)
    scene.release("Version 2")
    mailbox.wait_for(MEMBER[1])
    mailbox.clear()
    scene.send_held()
    line_break = character in "\x85\u2028\x0b"
    for name, raw in outputs(service, mailbox, published).items():
        [event] = checked_calendar(raw).walk("VEVENT")
        assert str(event["SUMMARY"]) == (
            "Audition : Avant après" if line_break else "Audition : Avantaprès"
        ), name
        assert str(event["LOCATION"]) == ("Salle 12" if line_break else "Salle12"), name
        assert int(str(event["SEQUENCE"])) == 1, name
