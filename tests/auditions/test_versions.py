"""Every staff update names the version it read (If-Match): 428 without, 412 when stale."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.auditions.conftest import EVENT, Make
from tests.helpers import assert_problem


@dataclass(frozen=True)
class Edit:
    method: str
    path: str
    body: dict[str, Any] | None
    read: str  # where the resource's ETag is read


def _event(make: Make) -> Edit:
    event = make.event()
    return Edit("PUT", f"/events/{event['id']}", {**EVENT, "title": "Renommé"}, "")


def _organizer(make: Make) -> Edit:
    event = make.event()
    body = {"organizer_email": "secretariat@commission.example"}
    return Edit("PUT", f"/events/{event['id']}/organizer", body, "")


def _hearing(make: Make, suffix: str, body: dict[str, Any] | None) -> Edit:
    event = make.event()
    hearing = make.hearing(event["id"])
    url = f"/events/{event['id']}/hearings/{hearing['id']}"
    return Edit("POST" if suffix == "/cancel" else "PUT", url + suffix, body, url)


def _member(make: Make) -> Edit:
    event = make.event()
    member = make.member(event["id"])
    body = {"name": "Autre nom", "email": member["email"], "role": "rapporteur"}
    return Edit("PUT", f"/events/{event['id']}/members/{member['id']}", body, "")


def _minutes(make: Make) -> Edit:
    event = make.event()
    hearing = make.hearing(event["id"])
    url = f"/events/{event['id']}/hearings/{hearing['id']}/minutes"
    return Edit("PUT", url, {"body": "Compte rendu.", "status": "draft"}, url)


EDITS: dict[str, Callable[[Make], Edit]] = {
    "événement": _event,
    "organisateur": _organizer,
    "audition": lambda make: _hearing(make, "", {"title": "Renommée", "duration_minutes": 60}),
    "placement": lambda make: _hearing(make, "/placement", {}),
    "annulation": lambda make: _hearing(make, "/cancel", None),
    "membre": _member,
    "compte rendu": _minutes,
}


def _send(client: TestClient, edit: Edit, headers: dict[str, str]) -> Any:
    return client.request(edit.method, edit.path, headers=headers, json=edit.body)


@pytest.mark.parametrize("what", sorted(EDITS))
def test_an_update_without_if_match_is_428_stale_is_412_right_is_saved(
    service: TestClient, organiser: dict[str, str], make: Make, what: str
) -> None:
    edit = EDITS[what](make)
    if edit.read:
        assert service.get(edit.read, headers=organiser).headers["ETag"] == '"1"'

    absent = _send(service, edit, organiser)
    right = _send(service, edit, {**organiser, "If-Match": '"1"'})
    stale = _send(service, edit, {**organiser, "If-Match": '"1"'})

    assert_problem(absent, 428)
    assert right.status_code == 200, right.text
    assert right.headers["ETag"] == '"2"'
    assert assert_problem(stale, 412)["current_version"] == 2
    if edit.read:
        assert service.get(edit.read, headers=organiser).headers["ETag"] == '"2"'


def test_if_match_is_checked_after_the_caller_and_the_row(
    service: TestClient, organiser: dict[str, str], make: Make
) -> None:
    event = make.event()
    url = f"/events/{event['id']}"
    body = {**EVENT, "title": "Renommé"}

    assert_problem(service.put(url, json=body), 401)
    assert_problem(service.put(f"/events/{event['id'] + 1000}", headers=organiser, json=body), 404)
    assert_problem(service.put(f"{url}/members/999", headers=organiser, json={"name": "x"}), 404)
