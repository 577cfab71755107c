"""Organisers set events up: dates and rules, themes, rooms, attachments, locks, feeds."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar

from tests.auditions.support import editing
from tests.helpers import assert_problem

from .test_journey import paris

JULY = {
    "title": "Auditions d'automne",
    "starts_on": "2024-10-21",
    "ends_on": "2024-10-31",
    "excluded_dates": ["2024-10-25"],
}


@pytest.fixture
def client(service: TestClient) -> TestClient:
    """No demo here unless a test asks for `demo_event_id`: the others read what they make."""
    return service


@pytest.fixture
def event_id(small_event: int) -> int:
    return small_event


def test_an_event_is_created_then_updated_with_its_version(
    client: TestClient, organiser: dict[str, str]
) -> None:
    created = client.post("/events", headers=organiser, json=JULY)
    assert created.status_code == 201, created.text
    event = created.json()
    assert (event["timezone"], event["grid_minutes"], event["buffer_minutes"]) == (
        "Europe/Paris",
        15,
        15,
    )
    url = f"/events/{event['id']}"
    assert_problem(client.get(url), 404)  # not published yet
    assert event["id"] in {e["id"] for e in client.get("/manage/events", headers=organiser).json()}

    changed = {
        **JULY,
        "published": True,
        "day_start": "08:30",
        "lunch_start": None,
        "lunch_end": None,
    }
    assert (
        client.put(url, headers={**organiser, "If-Match": '"1"'}, json=changed).status_code == 200
    )
    assert_problem(client.put(url, headers={**organiser, "If-Match": '"1"'}, json=JULY), 412)
    public = client.get(url).json()
    assert (public["day_start"], public["lunch_start"]) == ("08:30", None)

    theme = client.post(f"{url}/themes", headers=organiser, json={"name": "Axe 1"})
    assert theme.status_code == 201
    assert client.get(url).json()["themes"] == [theme.json()]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_on": "2024-10-01"}, ["body", "ends_on"]),
        ({"excluded_dates": ["2024-11-11"]}, ["body", "excluded_dates", 0]),
        ({"day_start": "19:00", "day_end": "09:00"}, ["body", "day_end"]),
        ({"lunch_start": "20:00", "lunch_end": "21:00"}, ["body", "lunch_start"]),
        ({"lunch_start": None}, ["body", "lunch_end"]),
        ({"timezone": "Europe/Atlantis"}, ["body", "timezone"]),
        ({"grid_minutes": 7}, ["body", "grid_minutes"]),
    ],
)
def test_bad_event_rules_name_their_field(
    client: TestClient, organiser: dict[str, str], change: dict[str, Any], field: list[object]
) -> None:
    body = assert_problem(client.post("/events", headers=organiser, json={**JULY, **change}), 422)
    errors = body["errors"]
    assert isinstance(errors, list)
    assert [e["loc"][: len(field)] for e in errors] == [field]


def test_rooms_need_a_capacity_or_a_link(
    client: TestClient, organiser: dict[str, str], event_id: int
) -> None:
    url = f"/events/{event_id}/rooms"
    body = assert_problem(
        client.post(url, headers=organiser, json={"name": "Salle", "kind": "physical"}), 422
    )
    assert body["errors"] == [
        {"loc": ["body", "capacity"], "msg": body["detail"], "type": "value_error"}
    ]
    assert_problem(
        client.post(url, headers=organiser, json={"name": "Visio 2", "kind": "video"}), 422
    )
    inverted = {
        "name": "S",
        "kind": "physical",
        "capacity": 3,
        "availability": [{"start": paris(12, 12), "end": paris(12, 9)}],
    }
    assert_problem(client.post(url, headers=organiser, json=inverted), 422)


def test_a_locked_hearing_does_not_move(
    client: TestClient, organiser: dict[str, str], event_id: int
) -> None:
    hearing = client.post(
        f"/events/{event_id}/hearings",
        headers=organiser,
        json={"title": "Fixe", "duration_minutes": 30, "locked": True},
    ).json()["hearing"]
    room = client.get(f"/events/{event_id}").json()["rooms"][0]["id"]
    moved = client.put(
        f"/events/{event_id}/hearings/{hearing['id']}/placement",
        headers=editing(client, organiser, f"/events/{event_id}/hearings/{hearing['id']}"),
        json={"room_id": room, "starts_at": paris(18, 9)},
    )
    assert_problem(moved, 409)


def test_attachments_are_internal_unless_made_public(
    client: TestClient, organiser: dict[str, str], demo_event_id: int
) -> None:
    event_id = demo_event_id  # reads the demo
    hearing_id = client.get(f"/events/{event_id}/agenda").json()["entries"][0]["hearing_id"]
    url = f"/events/{event_id}/hearings/{hearing_id}/attachments"
    internal = client.post(
        url, headers=organiser, files={"file": ("note.txt", b"interne", "text/plain")}
    )
    assert internal.status_code == 201, internal.text
    public = client.post(
        url,
        headers=organiser,
        files={"file": ("contribution.pdf", b"%PDF-1.4 public", "application/pdf")},
        data={"visibility": "public"},
    )
    assert public.status_code == 201
    assert_problem(
        client.post(url, headers=organiser, files={"file": ("x.html", b"<b>", "text/html")}), 422
    )

    listed = client.get(f"/events/{event_id}/attachments").json()
    assert [a["filename"] for a in listed] == ["contribution.pdf"]
    download = client.get(f"/events/{event_id}/attachments/{listed[0]['id']}")
    assert download.content == b"%PDF-1.4 public"
    assert download.headers["content-disposition"].startswith("attachment")
    assert_problem(client.get(f"/events/{event_id}/attachments/{internal.json()['id']}"), 404)
    assert len(client.get(url, headers=organiser).json()) == 2


def test_a_contact_subscribes_to_the_hearings_of_its_organisation(
    client: TestClient, organiser: dict[str, str], demo_event_id: int
) -> None:
    event_id = demo_event_id  # reads the demo
    draft = client.get(f"/events/{event_id}/draft", headers=organiser).json()
    hearing = draft["hearings"][3]
    actor = next(a for a in draft["actors"] if a["id"] == hearing["actor_ids"][0])
    contact_id = actor["contacts"][0]["id"]

    path = client.post(f"/events/{event_id}/contacts/{contact_id}/feed", headers=organiser).json()[
        "path"
    ]
    calendar = Calendar.from_ical(client.get(path).content)

    assert [str(e["UID"]) for e in calendar.walk("VEVENT")] == [hearing["ical_uid"]]


def test_a_hearing_is_edited_with_its_version_and_cancelled(
    client: TestClient, organiser: dict[str, str], demo_event_id: int
) -> None:
    event_id = demo_event_id  # reads the demo
    draft = client.get(f"/events/{event_id}/draft", headers=organiser).json()
    theme = draft["event"]["themes"][0]["id"]
    url = f"/events/{event_id}/hearings"
    hearing = client.post(
        url, headers=organiser, json={"title": "Brouillon", "duration_minutes": 30}
    ).json()
    body = {
        "title": "Audition de l'État",
        "theme_id": theme,
        "duration_minutes": 60,
        "mode": "remote",
        "president_required": True,
        "earliest_on": "2023-07-17",
        "latest_on": "2023-07-18",
        "priority": 3,
    }
    hearing_id = hearing["hearing"]["id"]

    edited = client.put(f"{url}/{hearing_id}", headers={**organiser, "If-Match": '"1"'}, json=body)

    assert edited.status_code == 200, edited.text
    assert edited.headers["ETag"] == '"2"'
    view = edited.json()["hearing"]
    president = next(m["id"] for m in draft["members"] if m["role"] == "president")
    assert view["requirements"] == [{"member_ids": [president], "min_count": 1}]
    assert (view["title"], view["mode"], view["theme_id"]) == (
        "Audition de l'État",
        "remote",
        theme,
    )
    stale = client.put(f"{url}/{hearing_id}", headers={**organiser, "If-Match": '"1"'}, json=body)
    assert_problem(stale, 412)
    inverted = client.put(
        f"{url}/{hearing_id}",
        headers={**organiser, "If-Match": '"2"'},
        json={**body, "latest_on": "2023-07-12"},
    )
    assert assert_problem(inverted, 422)["errors"][0]["loc"] == ["body", "latest_on"]  # type: ignore[index]

    assert client.post(
        f"{url}/{hearing_id}/cancel", headers=editing(client, organiser, f"{url}/{hearing_id}")
    ).json()["hearing"]["cancelled"]
    warnings = client.get(f"/events/{event_id}/warnings", headers=organiser).json()
    assert hearing_id not in {w["hearing_id"] for w in warnings}


def test_room_and_member_windows_stay_inside_the_event(
    client: TestClient, organiser: dict[str, str], event_id: int
) -> None:
    outside = [
        {"start": paris(12, 9), "end": paris(12, 12)},
        {"start": paris(25, 9), "end": paris(25, 12)},
    ]
    room = {"name": "Salle", "kind": "physical", "capacity": 5, "availability": outside}
    body = assert_problem(
        client.post(f"/events/{event_id}/rooms", headers=organiser, json=room), 422
    )
    assert body["errors"][0]["loc"] == ["body", "availability", 1]  # type: ignore[index]
    member = {"name": "M", "email": "m@example.org", "role": "member", "unavailability": outside}
    body = assert_problem(
        client.post(f"/events/{event_id}/members", headers=organiser, json=member), 422
    )
    assert body["errors"][0]["loc"] == ["body", "unavailability", 1]  # type: ignore[index]
    overlapping = [
        {"start": paris(12, 9), "end": paris(12, 12)},
        {"start": paris(12, 11), "end": paris(12, 13)},
    ]
    created = client.post(
        f"/events/{event_id}/members",
        headers=organiser,
        json={**member, "unavailability": overlapping},
    )
    assert created.status_code == 201
