"""What clients send and receive about solver runs."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from services.auditions.schemas import RowRef
from services.common.text import InputModel

# A run longer than five minutes would hold a replica's cores for nothing: the reference
# finds a good plan in 30-60 s on two cores.
MAX_SECONDS = 300


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
