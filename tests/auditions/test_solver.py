"""Automatic scheduling through the API: plan, compare, apply, release, repair."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

from tests.helpers import assert_problem, private_link
from tests.mailbox import Mailbox, text_of

from .solver_support import hard_warnings, solved

PARIS = ZoneInfo("Europe/Paris")


def plan_applied_in_two_parts_and_released(
    client: TestClient, organiser: dict[str, str], event_id: int
) -> None:
    """One click, the plan read beside the draft, one hearing applied, then the rest."""
    run = solved(client, organiser, event_id)

    assert run["status"] == "done", run
    assert run["solver_status"] in ("OPTIMAL", "FEASIBLE")
    assert run["prechecks"] == []
    plan = run["plan"]
    assert plan["unplaced"] == 0
    assert plan["hard_warnings"] == 0
    assert run["objective"] >= run["best_bound"]
    assert run["progress"] == 1.0
    rows = plan["rows"]
    assert {r["after"] is not None for r in rows} == {True}
    assert {r["before"] is not None for r in rows} == {True}  # the current draft, side by side
    changed = [r["hearing_id"] for r in rows if r["changed"]]
    assert changed, "the plan differs from the greedy draft"

    url = f"/events/{event_id}/solver-runs/{run['id']}/apply"
    part = client.post(url, headers=organiser, json={"hearing_ids": changed[:1]})
    assert part.status_code == 200, part.text
    assert part.json()["applied"] == 1
    # The draft moved on for that hearing: applying it again is refused.
    again = client.post(url, headers=organiser, json={"hearing_ids": changed[:1]})
    body = assert_problem(again, 409)
    assert body["hearing_ids"] == changed[:1]
    rest = [r["hearing_id"] for r in rows if r["hearing_id"] != changed[0]]
    applied = client.post(url, headers=organiser, json={"hearing_ids": rest})
    assert applied.status_code == 200, applied.text
    assert applied.json()["hard_warnings"] == 0
    assert hard_warnings(client, organiser, event_id) == []
    draft = client.get(f"/events/{event_id}/draft", headers=organiser).json()
    by_id = {h["id"]: h for h in draft["hearings"]}
    for row in rows:
        placed = by_id[row["hearing_id"]]
        assert datetime.fromisoformat(placed["starts_at"]) == datetime.fromisoformat(
            row["after"]["starts_at"]
        )
    client.post(
        f"/events/{event_id}/releases",
        headers=organiser,
        json={"name": "Version 2", "changelog": "Planning calculé."},
    ).raise_for_status()


def _released_start(client: TestClient, event_id: int, hearing_id: int) -> datetime:
    entries = client.get(f"/events/{event_id}/agenda").json()["entries"]
    entry = next(e for e in entries if e["hearing_id"] == hearing_id)
    return datetime.fromisoformat(entry["starts_at"]).astimezone(PARIS)


def cancel_a_day(
    client: TestClient,
    organiser: dict[str, str],
    event_id: int,
    mailbox: Mailbox,
    *,
    actor_id: int,
    day: datetime,
) -> None:
    """The actor asks for a new link and takes back every window of one day."""
    client.post(
        f"/events/{event_id}/invitations", headers=organiser, json={"actor_id": actor_id}
    ).raise_for_status()
    actors = client.get(f"/events/{event_id}/actors", headers=organiser).json()
    email = next(c["email"] for a in actors if a["id"] == actor_id for c in a["contacts"])
    link = re.search(r"disponibilites\.html#(\S+)", text_of(mailbox.wait_for(email)))
    assert link is not None
    token = link.group(1)
    form = client.post("/availability/open", headers=private_link(token)).json()
    kept = [
        w
        for w in form["availability"]
        if datetime.fromisoformat(w["start"]).astimezone(PARIS).date() != day.date()
    ]
    assert len(kept) < len(form["availability"])
    answer = client.post(
        "/availability/answer",
        headers=private_link(token),
        json={
            "delegation_size": form["delegation_size"],
            "mode": form["mode"],
            "availability": kept,
        },
    )
    assert answer.status_code == 200, answer.text


def _held_invitations(
    client: TestClient, organiser: dict[str, str], event_id: int
) -> dict[int, str]:
    items = client.get(f"/events/{event_id}/outbox", headers=organiser).json()
    return {m["id"]: m["subject"] for m in items if m["kind"] == "hearing-invitation"}


def test_plan_apply_release_then_repair_moves_only_the_hearing_of_the_actor_who_cancelled(
    client: TestClient, organiser: dict[str, str], event_id: int, mailbox: Mailbox
) -> None:
    plan_applied_in_two_parts_and_released(client, organiser, event_id)
    draft = client.get(f"/events/{event_id}/draft", headers=organiser).json()
    hearing = next(h for h in draft["hearings"] if h["actor_ids"] and h["starts_at"])
    day = _released_start(client, event_id, hearing["id"])
    cancel_a_day(client, organiser, event_id, mailbox, actor_id=hearing["actor_ids"][0], day=day)
    assert any(
        w["kind"] == "actor_unavailable" and w["hearing_id"] == hearing["id"]
        for w in hard_warnings(client, organiser, event_id)
    )
    before = _held_invitations(client, organiser, event_id)

    repair = solved(client, organiser, event_id, kind="repair", time_limit_seconds=5)

    assert repair["status"] == "done", repair
    assert repair["plan"]["moved"] == [hearing["id"]]
    assert repair["plan"]["hard_warnings"] == 0
    assert repair["plan"]["unplaced"] == 0
    moved_row = next(r for r in repair["plan"]["rows"] if r["hearing_id"] == hearing["id"])
    assert (
        datetime.fromisoformat(moved_row["after"]["starts_at"]).astimezone(PARIS).date()
        != day.date()
    )
    client.post(
        f"/events/{event_id}/solver-runs/{repair['id']}/apply", headers=organiser, json={}
    ).raise_for_status()
    assert hard_warnings(client, organiser, event_id) == []
    client.post(
        f"/events/{event_id}/releases",
        headers=organiser,
        json={"name": "Version 3", "changelog": "Une audition déplacée."},
    ).raise_for_status()
    new = {
        k: v for k, v in _held_invitations(client, organiser, event_id).items() if k not in before
    }
    assert new
    assert all(hearing["title"] in subject for subject in new.values())
