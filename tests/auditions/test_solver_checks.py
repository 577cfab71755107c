"""Bad input and impossible instances: clear problems, plain-French pre-checks, no hang."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.auditions.support import editing
from tests.helpers import assert_problem

from .solver_support import start_run, wait_for
from .test_journey import paris
from .test_releases import new_hearing


@pytest.fixture
def client(service: TestClient) -> TestClient:
    """No demo here unless a test asks for `demo_event_id`: the others read what they make."""
    return service


@pytest.fixture
def event_id(small_event: int) -> int:
    return small_event


def test_bad_time_limits_nothing_to_place_and_nothing_to_repair(
    client: TestClient, organiser: dict[str, str], event_id: int
) -> None:
    for seconds in (0, 301, "beaucoup"):
        response = client.post(
            f"/events/{event_id}/solver-runs",
            headers=organiser,
            json={"time_limit_seconds": seconds},
        )
        assert_problem(response, 422)
    event = client.post(
        "/events",
        headers=organiser,
        json={"title": "Événement vide", "starts_on": "2023-09-04", "ends_on": "2023-09-05"},
    )
    assert event.status_code == 201, event.text
    url = f"/events/{event.json()['id']}/solver-runs"
    body = assert_problem(client.post(url, headers=organiser, json={}), 409)
    assert "Aucune audition à placer" in str(body["detail"])
    body = assert_problem(client.post(url, headers=organiser, json={"kind": "repair"}), 409)
    assert "Aucune version publiée" in str(body["detail"])


def _locked_at(
    client: TestClient, organiser: dict[str, str], event_id: int, room: int, title: str
) -> int:
    hearing = new_hearing(client, organiser, event_id, title=title)
    url = f"/events/{event_id}/hearings/{hearing['id']}"
    client.put(
        f"{url}/placement",
        headers=editing(client, organiser, url),
        json={"room_id": room, "starts_at": paris(12, 10)},
    ).raise_for_status()
    client.put(
        url,
        headers=editing(client, organiser, url),
        json={"title": title, "duration_minutes": 45, "locked": True},
    ).raise_for_status()
    return int(hearing["id"])


def test_contradictory_locks_are_refused(
    client: TestClient, organiser: dict[str, str], event_id: int
) -> None:
    room = client.get(f"/events/{event_id}").json()["rooms"][0]["id"]
    first = _locked_at(client, organiser, event_id, room, "Verrou A")
    second = _locked_at(client, organiser, event_id, room, "Verrou B")

    response = client.post(f"/events/{event_id}/solver-runs", headers=organiser, json={})

    body = assert_problem(response, 409)
    assert "verrouillées se chevauchent" in str(body["detail"])
    assert body["hearing_ids"] == sorted([first, second])


def test_prechecks_explain_what_cannot_be_placed_and_the_run_still_ends(
    client: TestClient, organiser: dict[str, str], event_id: int
) -> None:
    # A member free for one hour only, required in two hearings of 45 minutes.
    member = client.post(
        f"/events/{event_id}/members",
        headers=organiser,
        json={
            "name": "Rapporteuse très prise",
            "email": "prise@commission.example",
            "role": "rapporteur",
            "unavailability": [
                {"start": paris(11, 0), "end": paris(12, 9)},
                {"start": paris(12, 10), "end": paris(20, 23, 59)},
            ],
        },
    )
    assert member.status_code == 201, member.text
    needs = [{"member_ids": [member.json()["id"]], "min_count": 1}]
    busy = [
        new_hearing(client, organiser, event_id, title=f"Exigeante {i}", requirements=needs)["id"]
        for i in (1, 2)
    ]
    # A hearing no room can take: 90 people in person.
    crowd = new_hearing(client, organiser, event_id, title="Grande délégation", delegation_size=90)

    run = start_run(client, organiser, event_id)
    kinds = {f["kind"]: f for f in run["prechecks"]}
    assert (
        "Rapporteuse très prise doit siéger à 2 auditions (1 h 30)"
        in kinds["member_overloaded"]["message"]
    )
    assert kinds["member_overloaded"]["hearing_ids"] == busy
    assert "Aucune salle ne convient" in kinds["no_start"]["message"]

    done = wait_for(client, organiser, event_id, run["id"])
    assert done["status"] == "done"
    assert done["plan"]["hard_warnings"] == 0
    left_out = {r["hearing_id"]: r["reason"] for r in done["plan"]["rows"] if r["after"] is None}
    assert set(left_out) == {crowd["id"], busy[0]} or set(left_out) == {crowd["id"], busy[1]}
    assert "Aucune salle ne convient" in left_out[crowd["id"]]
    assert any("Rapporteuse très prise" in reason for reason in left_out.values())
