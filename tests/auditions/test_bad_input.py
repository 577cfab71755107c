"""Bad input: a 422 naming the field, 404 for unknown links, 412 for stale versions."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from tests.auditions.conftest import Make
from tests.auditions.support import editing
from tests.conftest import Databases
from tests.helpers import add_staff, assert_problem, bearer, private_link
from tests.mailbox import Mailbox, text_of

from .test_journey import paris

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def client(service: TestClient) -> TestClient:
    """No demo here: each test reads only the event `event_id` makes."""
    return service


@pytest.fixture
def event_id(small_event: int) -> int:
    return small_event


def locations(response: Any) -> list[list[object]]:
    body = assert_problem(response, 422)
    errors = body["errors"]
    assert isinstance(errors, list)
    return [error["loc"] for error in errors]


def a_token(client: TestClient, organiser: dict[str, str], event_id: int, mailbox: Mailbox) -> str:
    actor = client.post(
        f"/events/{event_id}/actors",
        headers=organiser,
        json={
            "name": "Labo",
            "kind": "research",
            "contacts": [{"name": "Léa", "email": "lea@labo.example"}],
        },
    ).json()
    client.post(
        f"/events/{event_id}/invitations", headers=organiser, json={"actor_id": actor["id"]}
    )
    found = re.search(r"#(\S+)", text_of(mailbox.wait_for("lea@labo.example")))
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize(
    ("windows", "index"),
    [
        ([{"start": paris(12, 12), "end": paris(12, 9)}], None),  # inverted
        (
            [
                {"start": paris(12, 9), "end": paris(12, 12)},
                {"start": paris(12, 11), "end": paris(12, 13)},
            ],
            1,
        ),
        ([{"start": paris(21, 9), "end": paris(21, 12)}], 0),  # after the event
    ],
)
def test_bad_availability_windows_are_refused_and_nothing_is_saved(
    client: TestClient,
    organiser: dict[str, str],
    event_id: int,
    mailbox: Mailbox,
    windows: list[dict[str, str]],
    index: int | None,
) -> None:
    token = a_token(client, organiser, event_id, mailbox)

    refused = client.post(
        "/availability/answer", headers=private_link(token), json={"availability": windows}
    )

    where = locations(refused)
    assert any(
        loc[:3] == ["body", "availability", index if index is not None else 0] for loc in where
    )
    assert client.post("/availability/open", headers=private_link(token)).json()["status"] == "sent"


def test_unknown_tokens_are_404(client: TestClient) -> None:
    assert_problem(client.post("/availability/open", headers=private_link("x" * 43)), 404)
    assert_problem(
        client.post("/availability/answer", headers=private_link("x" * 43), json={}), 404
    )
    assert_problem(client.get("/feeds/personal.ics", params={"token": "y" * 43}), 404)


def test_stale_answer_is_412_and_keeps_the_first(
    client: TestClient, organiser: dict[str, str], event_id: int, mailbox: Mailbox
) -> None:
    token = a_token(client, organiser, event_id, mailbox)
    first = client.post(
        "/availability/answer",
        headers=private_link(token),
        json={"delegation_size": 4, "version": 1},
    )
    assert first.status_code == 200

    stale = client.post(
        "/availability/answer",
        headers=private_link(token),
        json={"delegation_size": 9, "version": 1},
    )

    assert_problem(stale, 412)
    assert (
        client.post("/availability/open", headers=private_link(token)).json()["delegation_size"]
        == 4
    )


def test_hearing_and_placement_references_are_checked(
    client: TestClient, organiser: dict[str, str], event_id: int
) -> None:
    url = f"/events/{event_id}/hearings"
    assert locations(
        client.post(url, headers=organiser, json={"title": "X", "duration_minutes": 50})
    ) == [["body", "duration_minutes"]]
    unknown_member = {
        "title": "X",
        "duration_minutes": 45,
        "requirements": [{"member_ids": [9999], "min_count": 1}],
    }
    assert locations(client.post(url, headers=organiser, json=unknown_member)) == [
        ["body", "requirements", 0, "member_ids", 0]
    ]
    assert locations(
        client.post(
            url, headers=organiser, json={"title": "X", "duration_minutes": 45, "actor_ids": [9999]}
        )
    ) == [["body", "actor_ids", 0]]
    hearing = client.post(
        url, headers=organiser, json={"title": "X", "duration_minutes": 45}
    ).json()["hearing"]
    place = f"{url}/{hearing['id']}/placement"
    assert locations(
        client.put(
            place,
            headers=editing(client, organiser, place.removesuffix("/placement")),
            json={"room_id": 9999, "starts_at": paris(12, 10)},
        )
    ) == [["body", "room_id"]]
    room = client.get(f"/events/{event_id}").json()["rooms"][0]["id"]
    assert locations(
        client.put(
            place,
            headers=editing(client, organiser, place.removesuffix("/placement")),
            json={"room_id": room, "starts_at": paris(12, 10, 5)},
        )
    ) == [["body", "starts_at"]]
    assert locations(
        client.put(
            place,
            headers=editing(client, organiser, place.removesuffix("/placement")),
            json={"room_id": room, "starts_at": paris(25, 10)},
        )
    ) == [["body", "starts_at"]]
    assert locations(
        client.put(
            place,
            headers=editing(client, organiser, place.removesuffix("/placement")),
            json={"room_id": room, "starts_at": paris(12, 10), "member_ids": [9999]},
        )
    ) == [["body", "member_ids", 0]]
    naive = client.put(
        place,
        headers=editing(client, organiser, place.removesuffix("/placement")),
        json={"room_id": room, "starts_at": "2023-07-12T10:00:00"},
    )
    assert ["body", "starts_at"] in locations(naive)
    assert (
        client.get(f"{url}/{hearing['id']}", headers=organiser).json()["hearing"]["starts_at"]
        is None
    )


def test_a_placement_breaking_a_hard_rule_is_kept_with_its_warning(
    client: TestClient, organiser: dict[str, str], event_id: int
) -> None:
    url = f"/events/{event_id}/hearings"
    hearing = client.post(
        url, headers=organiser, json={"title": "X", "duration_minutes": 45}
    ).json()["hearing"]
    room = client.get(f"/events/{event_id}").json()["rooms"][0]["id"]

    placed = client.put(
        f"{url}/{hearing['id']}/placement",
        headers=editing(client, organiser, f"{url}/{hearing['id']}"),
        json={"room_id": room, "starts_at": paris(14, 10)},
    )

    assert placed.status_code == 200
    assert placed.json()["hearing"]["starts_at"] is not None
    assert "excluded_date" in {w["kind"] for w in placed.json()["warnings"]}
    assert datetime.fromisoformat(placed.json()["hearing"]["starts_at"]) == datetime(
        2023, 7, 14, 10, tzinfo=PARIS
    )


def test_organiser_routes_need_the_role(
    client: TestClient, event_id: int, databases: Databases
) -> None:
    assert_problem(client.get(f"/events/{event_id}/warnings"), 401)
    add_staff(databases.urls["accounts"], email="analyste@auditions.test", roles=["analyst"])
    analyst = bearer(client, email="analyste@auditions.test")
    assert_problem(client.get(f"/events/{event_id}/warnings", headers=analyst), 403)
    assert_problem(
        client.post(
            f"/events/{event_id}/releases", headers=analyst, json={"name": "v", "changelog": "c"}
        ),
        403,
    )


@pytest.mark.parametrize("path", ["/availability/open", "/availability/answer"])
def test_an_availability_link_is_presented_only_in_its_own_header(
    client: TestClient,
    organiser: dict[str, str],
    event_id: int,
    mailbox: Mailbox,
    path: str,
) -> None:
    token = a_token(client, organiser, event_id, mailbox)

    in_body = client.post(path, json={"token": token})
    as_bearer = client.post(path, headers={"Authorization": f"Bearer {token}"}, json={})
    staff = client.post(path, headers=organiser, json={})

    for refused in (in_body, as_bearer, staff):
        assert_problem(refused, 401)
        assert refused.headers["WWW-Authenticate"].startswith("PrivateLink")
    assert client.post(path, headers=private_link(token), json={}).status_code == 200


def test_an_attachment_keeps_its_bytes_but_its_name_and_fields_must_be_valid_text(
    client: TestClient, organiser: dict[str, str], event_id: int, make: Make
) -> None:
    hearing_id = make.hearing(event_id)["id"]
    url = f"/events/{event_id}/hearings/{hearing_id}/attachments"
    binary = b"%PDF-1.4 \x00\x01\x85\xff\xfe" + bytes(range(256))
    before = len(client.get(url, headers=organiser).json())

    bad_name = client.post(
        url, headers=organiser, files={"file": ("note\x1b.pdf", b"%PDF", "application/pdf")}
    )
    bad_field = client.post(
        url,
        headers=organiser,
        files={"file": ("note.pdf", b"%PDF", "application/pdf")},
        data={"visibility": "public\x00"},
    )
    kept = client.post(
        url,
        headers=organiser,
        files={"file": ("contribution.pdf", binary, "application/pdf")},
        data={"visibility": "public"},
    )

    assert locations(bad_name) == [["body", "file", "filename"]]
    assert locations(bad_field) == [["body", "visibility"]]
    assert kept.status_code == 201, kept.text
    assert len(client.get(url, headers=organiser).json()) == before + 1
    download = client.get(f"/events/{event_id}/attachments/{kept.json()['id']}")
    assert download.content == binary


def test_a_theme_of_another_event_or_an_unknown_member_is_named(
    client: TestClient, organiser: dict[str, str], event_id: int, make: Make
) -> None:
    other = make.event(title="Autre événement")
    foreign = client.post(
        f"/events/{other['id']}/themes", headers=organiser, json={"name": "Ailleurs"}
    )
    assert foreign.status_code == 201, foreign.text
    own = client.post(f"/events/{event_id}/themes", headers=organiser, json={"name": "Emploi"})
    assert own.status_code == 201, own.text
    member = {"name": "Membre", "email": "m@commission.example", "role": "member"}
    hearing = {"title": "Audition", "duration_minutes": 45}

    member_abroad = client.post(
        f"/events/{event_id}/members",
        headers=organiser,
        json={**member, "theme_id": foreign.json()["id"]},
    )
    hearing_abroad = client.post(
        f"/events/{event_id}/hearings",
        headers=organiser,
        json={**hearing, "theme_id": foreign.json()["id"]},
    )
    unknown_member = client.post(
        f"/events/{event_id}/hearings",
        headers=organiser,
        json={**hearing, "requirements": [{"member_ids": [999_999], "min_count": 1}]},
    )
    at_home = client.post(
        f"/events/{event_id}/members",
        headers=organiser,
        json={**member, "theme_id": own.json()["id"]},
    )

    assert locations(member_abroad) == [["body", "theme_id"]]
    assert locations(hearing_abroad) == [["body", "theme_id"]]
    assert locations(unknown_member) == [["body", "requirements", 0, "member_ids", 0]]
    assert at_home.status_code == 201, at_home.text
    assert at_home.json()["theme_id"] == own.json()["id"]
