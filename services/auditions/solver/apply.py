"""A finished plan copied into the draft, in full or for chosen hearings."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlmodel import Session

from services.auditions.draft import hearings_of
from services.auditions.models import SolverRun
from services.common.errors import Conflict
from services.common.sql import utcnow


def apply_plan(
    session: Session, run: SolverRun, hearing_ids: Collection[int] | None
) -> tuple[int, int]:
    """Placed and unplaced counts; refuses hearings edited since the run read them."""
    if run.status != "done" or run.result is None:
        raise Conflict("Ce calcul n'a pas encore de plan à appliquer.")
    result = run.result
    placements = {p["hearing_id"]: p for p in result["placements"]}
    left_out = {u["hearing_id"] for u in result["unplaced"]}
    wanted = set(hearing_ids) if hearing_ids is not None else placements.keys() | left_out
    unknown = sorted(wanted - placements.keys() - left_out)
    if unknown:
        raise Conflict(
            "Ces auditions ne font pas partie du plan : " + ", ".join(map(str, unknown)) + ".",
            extra={"hearing_ids": unknown},
        )
    hearings = {h.id: h for h in hearings_of(session, run.event_id)}
    stale = sorted(
        h
        for h in wanted
        if h not in hearings or hearings[h].version != result["versions"].get(str(h))
    )
    if stale:
        raise Conflict(
            "Le planning a changé depuis ce calcul pour ces auditions : relancez le calcul.",
            extra={"hearing_ids": stale},
        )
    placed = unplaced = 0
    for hearing_id in sorted(wanted):
        hearing = hearings[hearing_id]
        if hearing.locked:
            continue
        item = placements.get(hearing_id)
        if item is not None:
            hearing.room_id = item["room_id"]
            hearing.starts_at = datetime.fromisoformat(item["starts_at"])
            hearing.member_ids = list(item["member_ids"])
            placed += 1
        elif hearing.starts_at is not None:
            # Left out by the plan: taken out of the grid rather than kept in a clash.
            hearing.room_id = None
            hearing.starts_at = None
            unplaced += 1
        else:
            continue
        hearing.version += 1
    run.applied_at = utcnow()
    session.flush()
    return placed, unplaced
