"""Answers to the invitations: REPLY files as Thunderbird, Outlook and Apple Calendar write
them, imported through the API, and what the organisers' console then reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from services.auditions import personal_data
from services.auditions.models import HearingReply
from services.common.database import create_db_engine
from tests.auditions.conftest import Make
from tests.auditions.itip_support import Stage, stage
from tests.auditions.reply_samples import (
    Answer,
    apple,
    apple_mail,
    outlook,
    thunderbird,
    thunderbird_mail,
)
from tests.conftest import Databases
from tests.helpers import assert_problem

CLAIRE = ("Claire Martin", "claire.martin@commission.example")
PAUL = ("Paul Durand", "paul.durand@commission.example")


@pytest.fixture
def published(service: TestClient, organiser: dict[str, str], make: Make) -> tuple[Stage, Any]:
    """One published hearing with Claire and Paul sitting, its invitations sent."""
    scene = stage(service, organiser, make, organizer_email="secretariat@commission.example")
    members = [scene.member(*CLAIRE), scene.member(*PAUL)]
    hearing = scene.place(scene.hearing(), member_ids=[m["id"] for m in members])
    scene.release("Version 1")
    scene.send_held()
    return scene, hearing


def upload(scene: Stage, data: bytes, filename: str = "reponse.ics") -> Any:
    return scene.client.post(
        f"/events/{scene.event_id}/replies",
        headers=scene.organiser,
        files={"file": (filename, data, "application/octet-stream")},
    )


def statuses(scene: Stage) -> dict[str, tuple[str, bool]]:
    """What the console shows: each invited person's answer, and whether it is current."""
    listed = scene.client.get(f"/events/{scene.event_id}/participation", headers=scene.organiser)
    assert listed.status_code == 200, listed.text
    [hearing] = listed.json()
    return {a["email"]: (a["partstat"], a["current"]) for a in hearing["attendees"]}


SHAPES: dict[str, tuple[Callable[[Answer], bytes], str]] = {
    "Thunderbird (.ics)": (thunderbird, "reponse.ics"),
    "Thunderbird (message)": (thunderbird_mail, "Accepté.eml"),
    "Outlook (.ics)": (outlook, "reponse.ics"),
    "Apple Calendar (.ics)": (apple, "iCal-20230705.ics"),
    "Apple Mail (message)": (apple_mail, "reponse.eml"),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_reply_from_each_client_updates_the_attendee(
    published: tuple[Stage, Any], shape: str
) -> None:
    scene, hearing = published
    write, filename = SHAPES[shape]
    assert statuses(scene) == {
        CLAIRE[1]: ("NEEDS-ACTION", False),
        PAUL[1]: ("NEEDS-ACTION", False),
    }

    answer = Answer(hearing["ical_uid"], CLAIRE[1], CLAIRE[0], "TENTATIVE")
    imported = upload(scene, write(answer), filename)

    assert imported.status_code == 200, imported.text
    [row] = imported.json()["imported"]
    assert (row["hearing_id"], row["email"], row["partstat"], row["sequence"]) == (
        hearing["id"],
        CLAIRE[1],
        "TENTATIVE",
        0,
    )
    assert statuses(scene) == {CLAIRE[1]: ("TENTATIVE", True), PAUL[1]: ("NEEDS-ACTION", False)}

    declined = upload(
        scene,
        write(replace(answer, partstat="DECLINED", stamp=answer.stamp + timedelta(hours=1))),
        filename,
    )
    assert declined.status_code == 200, declined.text
    assert statuses(scene)[CLAIRE[1]] == ("DECLINED", True)


def test_outlook_comment_is_kept_as_text(published: tuple[Stage, Any]) -> None:
    scene, hearing = published
    upload(scene, outlook(Answer(hearing["ical_uid"], PAUL[1], PAUL[0]))).raise_for_status()

    listed = scene.client.get(f"/events/{scene.event_id}/participation", headers=scene.organiser)
    paul = next(a for a in listed.json()[0]["attendees"] if a["email"] == PAUL[1])
    assert paul["partstat"] == "ACCEPTED"
    assert paul["comment"] == (
        "Je serai accompagnée d'une collègue du service juridique, qui arrivera vers 10 h 15."
    )
    assert paul["replied_at"].startswith("2023-07-05T10:15:00")


def _answer(hearing: dict[str, Any], **changes: Any) -> Answer:
    return replace(Answer(hearing["ical_uid"], CLAIRE[1], CLAIRE[0]), **changes)


BAD: dict[str, tuple[Callable[[dict[str, Any]], bytes], int, str]] = {
    "not a calendar": (lambda h: b"Bonjour,\r\nje viendrai.\r\n", 422, "ni un calendrier"),
    "a broken calendar": (
        lambda h: b"BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:x\r\n",
        422,
        "pas un calendrier iCalendar lisible",
    ),
    "a vCard": (
        lambda h: b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Claire\r\nEND:VCARD\r\n",
        422,
        "ni un calendrier",
    ),
    "the invitation itself": (
        lambda h: thunderbird(_answer(h), method="REQUEST"),
        422,
        "METHOD:REQUEST",
    ),
    "a message without calendar": (
        lambda h: b"From: a@example.org\r\nSubject: Re\r\n\r\nD'accord.\r\n",
        422,
        "text/calendar",
    ),
    "an unknown UID": (
        lambda h: apple(_answer(h, uid="autre-evenement@agenda.example")),
        422,
        "autre-evenement@agenda.example",
    ),
    "an attendee not invited": (
        lambda h: outlook(_answer(h, email="inconnu@example.org")),
        422,
        "n'est pas convié",
    ),
    "a version never sent": (lambda h: apple(_answer(h, sequence=5)), 422, "jamais été envoyée"),
    "an answer that is no answer": (
        lambda h: thunderbird(_answer(h, partstat="DELEGATED")),
        422,
        "DELEGATED",
    ),
    "an unreadable SEQUENCE": (
        lambda h: apple(_answer(h)).replace(b"SEQUENCE:0", b"SEQUENCE:zero"),
        422,
        "SEQUENCE",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_file_is_refused_and_changes_nothing(published: tuple[Stage, Any], case: str) -> None:
    scene, hearing = published
    upload(scene, outlook(_answer(hearing, email=PAUL[1]))).raise_for_status()
    before = statuses(scene)
    write, status, words = BAD[case]

    body = assert_problem(upload(scene, write(hearing)), status)

    assert words in str(body["detail"]), body["detail"]
    assert statuses(scene) == before


def test_an_older_reply_never_overwrites_a_newer_one(published: tuple[Stage, Any]) -> None:
    scene, hearing = published
    later = _answer(hearing, partstat="DECLINED")
    earlier = replace(later, partstat="ACCEPTED", stamp=later.stamp - timedelta(days=1))
    upload(scene, thunderbird(later)).raise_for_status()

    body = assert_problem(upload(scene, thunderbird(earlier)), 409)

    assert "plus récente" in str(body["detail"])
    assert statuses(scene)[CLAIRE[1]] == ("DECLINED", True)


def test_a_reply_to_an_outdated_invitation_is_refused(published: tuple[Stage, Any]) -> None:
    scene, hearing = published
    upload(scene, apple(_answer(hearing))).raise_for_status()
    scene.place(hearing, day=13, hour=15)  # moved: SEQUENCE 1 is sent
    scene.release("Version 2")

    # The answer to the first version now says little: shown as not current.
    assert statuses(scene)[CLAIRE[1]] == ("ACCEPTED", False)
    body = assert_problem(upload(scene, outlook(_answer(hearing, email=PAUL[1]))), 409)
    assert "périmée" in str(body["detail"])
    assert statuses(scene)[PAUL[1]] == ("NEEDS-ACTION", False)

    again = upload(scene, apple(_answer(hearing, sequence=1, stamp=_answer(hearing).stamp)))
    assert again.status_code == 200, again.text
    assert statuses(scene)[CLAIRE[1]] == ("ACCEPTED", True)


def test_replies_need_an_organiser(published: tuple[Stage, Any]) -> None:
    scene, hearing = published
    anonymous = scene.client.post(
        f"/events/{scene.event_id}/replies",
        files={"file": ("r.ics", apple(_answer(hearing)), "text/calendar")},
    )
    assert_problem(anonymous, 401)
    assert_problem(scene.client.get(f"/events/{scene.event_id}/participation"), 401)
    assert statuses(scene)[CLAIRE[1]] == ("NEEDS-ACTION", False)


def test_an_answer_is_exported_and_erased_with_its_person(
    published: tuple[Stage, Any], databases: Databases
) -> None:
    scene, hearing = published
    upload(scene, outlook(_answer(hearing))).raise_for_status()
    engine = create_db_engine(databases.urls["auditions"], pool_size=1)
    try:
        with engine.begin() as connection:
            exported = personal_data.export(connection, CLAIRE[1])
            counts = personal_data.erase(connection, CLAIRE[1])
        with engine.connect() as connection:
            left = connection.execute(select(HearingReply.__table__)).all()  # type: ignore[attr-defined]
    finally:
        engine.dispose()

    [row] = exported["hearing_reply"]
    assert (row["email"], row["partstat"]) == (CLAIRE[1], "ACCEPTED")
    assert counts["hearing_reply"] == 1
    assert left == []
    assert CLAIRE[1] not in statuses(scene)
