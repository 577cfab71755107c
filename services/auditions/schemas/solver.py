"""Solver runs: what organisers send to start and apply one, and the run beside the draft."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import (
    BaseModel,
    Field,
)
from sqlmodel import Session, select

from services.auditions.draft import hearings_of
from services.auditions.models import Hearing, PanelMember, Room, SolverRun
from services.auditions.schemas.common import RowRef
from services.auditions.settings import MAX_SECONDS
from services.common.text import InputModel


class SolverRunIn(InputModel):
    kind: Literal["plan", "repair"] = "plan"
    time_limit_seconds: int = Field(default=60, ge=1, le=MAX_SECONDS)
    random_seed: int = Field(default=0, ge=0, le=2**31 - 1)


class ApplyIn(InputModel):
    """The hearings to take from the plan; null takes them all."""

    hearing_ids: list[RowRef] | None = Field(default=None, max_length=2000)


class Finding(BaseModel):
    kind: str
    message: str
    hearing_ids: list[int]


class Spot(BaseModel):
    room: str
    starts_at: datetime
    ends_at: datetime
    members: list[str]


class PlanRow(BaseModel):
    """One hearing in the current draft and in the plan, side by side."""

    hearing_id: int
    title: str
    before: Spot | None
    after: Spot | None
    changed: bool
    reason: str | None = None


class PlanView(BaseModel):
    placed: int
    unplaced: int
    moved: list[int]
    hard_warnings: int
    rows: list[PlanRow]


class SolverRunView(BaseModel):
    id: int
    event_id: int
    kind: str
    status: str
    time_limit_seconds: int
    random_seed: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    attempts: int
    progress: float
    solver_status: str | None
    objective: float | None
    best_bound: float | None
    first_solution_seconds: float | None
    wall_seconds: float | None
    prechecks: list[Finding]
    error: str | None
    applied_at: datetime | None
    plan: PlanView | None


class SolverRunList(BaseModel):
    items: list[SolverRunView]
    total: int


class Applied(BaseModel):
    applied: int
    unplaced: int
    hard_warnings: int


def run_view(session: Session, run: SolverRun, *, with_rows: bool = True) -> SolverRunView:
    """A run; without rows (the list of runs), its plan's figures only: no query at all."""
    plan = None
    if run.result is not None:
        plan = _plan_view(session, run) if with_rows else _summary(run.result, [])
    return SolverRunView(
        **run.model_dump(exclude={"prechecks", "result", "claimed_by", "claimed_until"}),
        prechecks=[Finding.model_validate(f) for f in run.prechecks],
        plan=plan,
    )


def _spot(
    hearing: Hearing,
    room_id: int | None,
    start: datetime | None,
    member_ids: list[int],
    rooms: Mapping[int | None, str],
    members: Mapping[int | None, str],
) -> Spot | None:
    if room_id is None or start is None:
        return None
    return Spot(
        room=rooms.get(room_id, "?"),
        starts_at=start,
        ends_at=start + timedelta(minutes=hearing.duration_minutes),
        members=[members[m] for m in member_ids if m in members],
    )


def _plan_view(session: Session, run: SolverRun) -> PlanView:
    result: dict[str, Any] = run.result or {}
    rooms = {r.id: r.name for r in session.exec(select(Room).where(Room.event_id == run.event_id))}
    members = {
        m.id: m.name
        for m in session.exec(select(PanelMember).where(PanelMember.event_id == run.event_id))
    }
    hearings = {h.id: h for h in hearings_of(session, run.event_id)}
    rows = []
    for item in result["placements"]:
        hearing = hearings.get(item["hearing_id"])
        if hearing is None:
            continue
        before = _spot(
            hearing, hearing.room_id, hearing.starts_at, hearing.member_ids, rooms, members
        )
        after = _spot(
            hearing,
            item["room_id"],
            datetime.fromisoformat(item["starts_at"]),
            item["member_ids"],
            rooms,
            members,
        )
        rows.append(
            PlanRow(
                hearing_id=hearing.id or 0,
                title=hearing.title,
                before=before,
                after=after,
                changed=before != after,
            )
        )
    for item in result["unplaced"]:
        hearing = hearings.get(item["hearing_id"])
        if hearing is None:
            continue
        before = _spot(
            hearing, hearing.room_id, hearing.starts_at, hearing.member_ids, rooms, members
        )
        rows.append(
            PlanRow(
                hearing_id=hearing.id or 0,
                title=hearing.title,
                before=before,
                after=None,
                changed=before is not None,
                reason=item["reason"],
            )
        )
    # Left-out hearings first (they need a decision), then the plan in time order.
    rows.sort(key=lambda r: (r.after is not None, r.after.starts_at.timestamp() if r.after else 0))
    return _summary(result, rows)


def _summary(result: dict[str, Any], rows: list[PlanRow]) -> PlanView:
    return PlanView(
        placed=len(result["placements"]),
        unplaced=len(result["unplaced"]),
        moved=result["moved"],
        hard_warnings=result["hard_warnings"],
        rows=rows,
    )
