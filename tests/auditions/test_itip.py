"""The invitations a release sends, as calendar clients receive them through real SMTP: CRLF
and 75-octet lines, ORGANIZER the event's mailbox, and a REQUEST or a CANCEL for everyone whose
copy a release makes stale (a member added, removed, a hearing moved or cancelled)."""

from __future__ import annotations

import time
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar

from tests.auditions.conftest import EVENT, Make, organiser_headers
from tests.auditions.ical_checks import calendar_part, checked_calendar, vobject_event
from tests.auditions.itip_support import Stage, stage
from tests.auditions.support import editing
from tests.conftest import ClientFactory, Databases
from tests.helpers import assert_problem
from tests.mailbox import Mailbox

SECRETARIAT = "secretariat@commission.example"
ANNE = ("Anne Moreau", "anne.moreau@commission.example")
BRUNO = ("Bruno Petit", "bruno.petit@commission.example")


def received(mailbox: Mailbox, email: str) -> tuple[Calendar, bytes, EmailMessage]:
    message = mailbox.wait_for(email)
    raw, part = calendar_part(message)
    return checked_calendar(raw), raw, part


def only_event(calendar: Calendar) -> Any:
    [event] = calendar.walk("VEVENT")
    return event


def attendees(event: Any) -> set[str]:
    found = event.get("ATTENDEE", [])
    return {str(a).removeprefix("mailto:") for a in (found if isinstance(found, list) else [found])}


def test_an_invitation_is_crlf_folded_and_answers_go_to_the_organiser(
    service: TestClient, organiser: dict[str, str], make: Make, mailbox: Mailbox
) -> None:
    scene = stage(service, organiser, make, organizer_email=SECRETARIAT)
    anne = scene.member(*ANNE)
    title = "Association nationale des élus de la montagne, « ruralité » et accès aux soins " * 2
    hearing = scene.place(scene.hearing(title.strip()), member_ids=[anne["id"]])
    scene.release("Version 1")
    scene.send_held()

    calendar, raw, part = received(mailbox, ANNE[1])
    message = mailbox.wait_for(ANNE[1])

    assert part.get_param("method") == "REQUEST"
    assert part.get_content_charset() == "utf-8"
    assert b"\r\n " in raw  # the long title was folded
    event = only_event(calendar)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["ORGANIZER"]) == f"mailto:{SECRETARIAT}"
    assert str(event["SUMMARY"]) == f"Audition : {title.strip()}"
    assert (str(event["UID"]), int(event["SEQUENCE"])) == (hearing["ical_uid"], 0)
    assert attendees(event) == {ANNE[1]}
    assert vobject_event(raw, hearing["ical_uid"]).organizer.value == f"mailto:{SECRETARIAT}"
    # Answering the e-mail itself reaches the same mailbox, never the no-reply sender.
    assert message["Reply-To"] == SECRETARIAT
    assert "ne-pas-repondre" in str(message["From"])


def test_without_an_address_of_its_own_an_event_names_the_service_default(
    service: TestClient, organiser: dict[str, str], make: Make, mailbox: Mailbox
) -> None:
    scene = stage(service, organiser, make)
    anne = scene.member(*ANNE)
    scene.place(scene.hearing(), member_ids=[anne["id"]])
    scene.release("Version 1")
    scene.send_held()

    event = only_event(received(mailbox, ANNE[1])[0])

    assert str(event["ORGANIZER"]) == "mailto:secretariat-auditions@example.org"


def test_the_organiser_address_is_edited_with_if_match_and_never_the_no_reply_sender(
    service: TestClient, organiser: dict[str, str], make: Make, mailbox: Mailbox
) -> None:
    scene = stage(service, organiser, make)
    url = f"/events/{scene.event_id}/organizer"
    detail = f"/events/{scene.event_id}"
    body = {"organizer_email": SECRETARIAT}

    def current() -> dict[str, str]:
        """The If-Match of the event as the console read it (its `version`)."""
        return {**organiser, "If-Match": f'"{service.get(detail).json()["version"]}"'}

    assert_problem(service.put(url, headers=organiser, json=body), 428)
    refused = service.put(
        url,
        headers=current(),
        json={"organizer_email": "ne-pas-repondre@example.org"},
    )
    errors: Any = assert_problem(refused, 422)["errors"]
    assert errors[0]["loc"] == ["body", "organizer_email"]
    assert_problem(
        service.put(url, headers=current(), json={"organizer_email": "x"}),
        422,
    )
    saved = service.put(url, headers=current(), json=body)
    assert saved.status_code == 200, saved.text
    assert service.get(detail).json()["organizer_email"] == SECRETARIAT
    assert_problem(service.put(url, headers={**organiser, "If-Match": '"1"'}, json=body), 412)
    refused_put = service.put(
        detail,
        headers=current(),
        json={**EVENT, "published": True, "organizer_email": "NE-PAS-REPONDRE@example.org"},
    )
    assert_problem(refused_put, 422)

    anne = scene.member(*ANNE)
    scene.place(scene.hearing(), member_ids=[anne["id"]])
    scene.release("Version 1")
    scene.send_held()
    assert str(only_event(received(mailbox, ANNE[1])[0])["ORGANIZER"]) == f"mailto:{SECRETARIAT}"


def _published_with(
    scene: Stage, mailbox: Mailbox, *people: tuple[str, str]
) -> tuple[dict[str, Any], list[int]]:
    """A hearing published with these members, its invitations delivered, the mailbox empty."""
    members = [scene.member(*person)["id"] for person in people]
    hearing = scene.place(scene.hearing("Audition des chambres consulaires"), member_ids=members)
    scene.release("Version 1")
    scene.send_held()
    for _name, email in people:
        mailbox.wait_for(email)
    mailbox.clear()
    return hearing, members


def _messages(scene: Stage) -> dict[str, list[str]]:
    """Held messages by kind: their recipients."""
    found: dict[str, list[str]] = {}
    for message in scene.held():
        found.setdefault(message["kind"], []).append(message["recipients"])
    return found


def test_a_member_added_to_a_published_hearing_is_invited(
    service: TestClient, organiser: dict[str, str], make: Make, mailbox: Mailbox
) -> None:
    scene = stage(service, organiser, make, organizer_email=SECRETARIAT)
    hearing, [anne] = _published_with(scene, mailbox, ANNE)
    bruno = scene.member(*BRUNO)["id"]

    scene.place(hearing, member_ids=[anne, bruno])  # same time, same room
    scene.release("Version 2")

    assert _messages(scene) == {"hearing-invitation": [f"{ANNE[1]}, {BRUNO[1]}"]}
    scene.send_held()
    for email in (ANNE[1], BRUNO[1]):
        calendar, raw, _ = received(mailbox, email)
        event = only_event(calendar)
        assert str(calendar["METHOD"]) == "REQUEST"
        assert (str(event["UID"]), int(event["SEQUENCE"])) == (hearing["ical_uid"], 1)
        assert attendees(event) == {ANNE[1], BRUNO[1]}
        assert int(vobject_event(raw, hearing["ical_uid"]).sequence.value) == 1


def test_a_member_removed_gets_a_cancel_of_the_same_uid(
    service: TestClient, organiser: dict[str, str], make: Make, mailbox: Mailbox
) -> None:
    scene = stage(service, organiser, make, organizer_email=SECRETARIAT)
    hearing, [anne, _bruno] = _published_with(scene, mailbox, ANNE, BRUNO)

    scene.place(hearing, member_ids=[anne])
    scene.release("Version 2")

    assert _messages(scene) == {"hearing-invitation": [ANNE[1]], "hearing-cancel": [BRUNO[1]]}
    scene.send_held()
    calendar, raw, part = received(mailbox, BRUNO[1])
    event = only_event(calendar)
    assert part.get_param("method") == "CANCEL"
    assert str(calendar["METHOD"]) == "CANCEL"
    assert (str(event["UID"]), int(event["SEQUENCE"]), str(event["STATUS"])) == (
        hearing["ical_uid"],
        1,
        "CANCELLED",
    )
    assert attendees(event) == {BRUNO[1]}
    assert str(event["ORGANIZER"]) == f"mailto:{SECRETARIAT}"
    assert vobject_event(raw, hearing["ical_uid"]).status.value == "CANCELLED"
    request = only_event(received(mailbox, ANNE[1])[0])
    assert (int(request["SEQUENCE"]), attendees(request)) == (1, {ANNE[1]})
    assert scene.read(hearing)["ical_sequence"] == 1


def test_a_move_with_a_new_member_leaves_nobody_with_a_stale_copy(
    service: TestClient, organiser: dict[str, str], make: Make, mailbox: Mailbox
) -> None:
    scene = stage(service, organiser, make)
    hearing, [_anne] = _published_with(scene, mailbox, ANNE)
    bruno = scene.member(*BRUNO)["id"]

    scene.place(hearing, day=13, hour=15, member_ids=[bruno])
    scene.release("Version 2")
    assert _messages(scene) == {"hearing-invitation": [BRUNO[1]], "hearing-cancel": [ANNE[1]]}
    scene.send_held()
    moved = only_event(received(mailbox, BRUNO[1])[0])
    assert moved.decoded("DTSTART").hour == 15
    assert str(only_event(received(mailbox, ANNE[1])[0])["STATUS"]) == "CANCELLED"

    # Nothing changed: nothing is sent.
    scene.release("Version 3")
    assert scene.held() == []

    # Cancelled: everyone it invites is told, with the next SEQUENCE.
    url = scene.url(hearing)
    service.post(f"{url}/cancel", headers=editing(service, organiser, url)).raise_for_status()
    scene.release("Version 4")
    assert _messages(scene) == {"hearing-cancel": [BRUNO[1]]}
    mailbox.clear()
    scene.send_held()
    cancel = only_event(received(mailbox, BRUNO[1])[0])
    assert (int(cancel["SEQUENCE"]), str(cancel["STATUS"])) == (2, "CANCELLED")


def test_an_invitation_written_to_a_folder_keeps_its_crlf(
    client_for: ClientFactory,
    databases: Databases,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """Without SMTP, messages are .eml files (LF line endings): the calendar part still
    decodes to CRLF lines. (This service alone runs: no other one's sender takes the mail.)"""
    service = client_for("auditions", mail={"smtp_host": None, "folder": str(tmp_path)})
    organiser = organiser_headers(databases, monkeypatch)
    scene = stage(service, organiser, Make(service, organiser))
    anne = scene.member(*ANNE)
    scene.place(scene.hearing(), member_ids=[anne["id"]])
    scene.release("Version 1")
    scene.send_held()

    deadline = time.monotonic() + 10
    while not list(tmp_path.glob("**/*.eml")) and time.monotonic() < deadline:
        time.sleep(0.1)
    [file] = list(tmp_path.glob("**/*.eml"))
    message = message_from_bytes(file.read_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    raw, _ = calendar_part(message)
    checked_calendar(raw)
