"""Solver runs as background jobs: queued by a request, claimed by one replica, reported.

Claiming follows services.common.mail: a conditional UPDATE that only one replica can win
(status queued, or running with a lapsed lease), on SQLite and PostgreSQL alike. While it
solves, the owner writes progress and renews its lease every few seconds; a replica that
dies stops renewing, and after the lease another one starts the run again. The draft is
never touched here.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, and_, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from services.auditions.draft import hearings_of
from services.auditions.models import Event, SolverRun
from services.auditions.solver.instance import Instance
from services.auditions.solver.loader import load_instance
from services.auditions.solver.model import Plan, solve
from services.auditions.solver.prechecks import prechecks
from services.auditions.solver.verify import hard_warnings
from services.common.sql import utcnow

logger = logging.getLogger(__name__)

# A run whose replica died this many times is given up rather than tried again.
MAX_ATTEMPTS = 3
HEARTBEAT_SECONDS = 1.0


def _claimable(now: Any) -> Any:
    table = SolverRun.__table__  # type: ignore[attr-defined]
    return or_(
        table.c.status == "queued",
        and_(table.c.status == "running", table.c.claimed_until < now),
    )


def claim_next(engine: Engine, *, worker: str, lease_seconds: int) -> int | None:
    """The id of the run this worker now owns, or None when nothing is waiting."""
    table = SolverRun.__table__  # type: ignore[attr-defined]
    now = utcnow()
    with engine.connect() as connection:
        waiting = connection.execute(
            select(table.c.id, table.c.attempts)
            .where(_claimable(now))
            .order_by(table.c.id)
            .limit(5)
        ).all()
    for run_id, attempts in waiting:
        with engine.begin() as connection:
            if attempts >= MAX_ATTEMPTS:
                connection.execute(
                    update(table)
                    .where(table.c.id == run_id, _claimable(now))
                    .values(
                        status="failed",
                        finished_at=now,
                        claimed_until=None,
                        error="Le calcul s'est interrompu à plusieurs reprises ; "
                        "le planning en cours n'a pas été modifié.",
                    )
                )
                continue
            won = connection.execute(
                update(table)
                .where(table.c.id == run_id, _claimable(now))
                .values(
                    status="running",
                    claimed_by=worker,
                    claimed_until=now + timedelta(seconds=lease_seconds),
                    attempts=table.c.attempts + 1,
                    started_at=now,
                    progress=0.0,
                )
            )
            if won.rowcount == 1:
                return int(run_id)
    return None


def plan_json(instance: Instance, plan: Plan, versions: dict[int, int]) -> dict[str, Any]:
    findings = {h: f.message for f in prechecks(instance) for h in f.hearing_ids}
    return {
        "placements": [
            {
                "hearing_id": p.hearing_id,
                "room_id": p.room_id,
                "starts_at": instance.grid.at(p.start).isoformat(),
                "member_ids": list(p.member_ids),
            }
            for p in plan.proposals
        ],
        "unplaced": [
            {
                "hearing_id": h,
                "reason": findings[h] if h in findings and findings[h] != reason else reason,
            }
            for h, reason in plan.unplaced
        ],
        "moved": list(plan.moved),
        "hard_warnings": len(hard_warnings(instance, plan)),
        "versions": {str(k): v for k, v in versions.items()},
    }


class _Report:
    """The latest plan, shared between the solver's thread and the heartbeat."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.plan: Plan | None = None
        self.written: Plan | None = None

    def offer(self, plan: Plan) -> None:
        with self.lock:
            self.plan = plan


def execute(
    engine: Engine,
    run_id: int,
    *,
    worker: str,
    lease_seconds: int,
    threads: int,
    stopping: threading.Event,
) -> None:
    """Solve one claimed run and record the outcome; any failure leaves the draft as it was."""
    table = SolverRun.__table__  # type: ignore[attr-defined]
    mine = and_(table.c.id == run_id, table.c.claimed_by == worker)
    try:
        with Session(engine) as session:
            run = session.get(SolverRun, run_id)
            assert run is not None
            event = session.get(Event, run.event_id)
            assert event is not None
            assert event.id is not None
            instance = load_instance(session, event, kind=run.kind)
            versions = {h.id: h.version for h in hearings_of(session, event.id) if h.id}
            limit, seed, kind = run.time_limit_seconds, run.random_seed, run.kind
        report = _Report()
        stop = threading.Event()
        beat = threading.Thread(
            target=_heartbeat,
            args=(engine, mine, report, instance, versions, limit, lease_seconds, stop, stopping),
            daemon=True,
        )
        start = utcnow()
        beat.start()
        try:
            outcome = solve(
                instance,
                time_limit=limit,
                workers=threads,
                seed=seed,
                repair=kind == "repair",
                on_plan=report.offer,
                stop=stop,
            )
        finally:
            stop.set()
            beat.join()
        if stopping.is_set():
            _release(engine, mine)
            return
        values: dict[str, Any] = {
            "status": "done",
            "finished_at": utcnow(),
            "claimed_until": None,
            "progress": 1.0,
            "solver_status": outcome.status,
            "first_solution_seconds": outcome.first_solution_seconds,
            "wall_seconds": (utcnow() - start).total_seconds(),
        }
        if outcome.plan is not None:
            values |= {
                "objective": outcome.plan.objective,
                "best_bound": outcome.plan.bound,
                "result": plan_json(instance, outcome.plan, versions),
            }
        with engine.begin() as connection:
            connection.execute(update(table).where(mine).values(**values))
    except Exception as error:  # whatever broke, the run says so and the draft stays
        logger.exception("solver run %s failed", run_id)
        with engine.begin() as connection:
            connection.execute(
                update(table)
                .where(mine)
                .values(
                    status="failed",
                    finished_at=utcnow(),
                    claimed_until=None,
                    error=f"Le calcul a échoué ({error.__class__.__name__}) ; "
                    "le planning en cours n'a pas été modifié.",
                )
            )


def _release(engine: Engine, mine: Any) -> None:
    """Give the run back to the queue: this replica is shutting down.

    A shutdown is not a crash: the attempt is given back too, so rolling deployments never
    exhaust a run's attempts.
    """
    table = SolverRun.__table__  # type: ignore[attr-defined]
    with engine.begin() as connection:
        connection.execute(
            update(table)
            .where(mine)
            .values(
                status="queued",
                claimed_until=None,
                claimed_by=None,
                attempts=table.c.attempts - 1,
            )
        )


def _heartbeat(
    engine: Engine,
    mine: Any,
    report: _Report,
    instance: Instance,
    versions: dict[int, int],
    limit: int,
    lease_seconds: int,
    stop: threading.Event,
    stopping: threading.Event,
) -> None:
    """Every second: progress, best plan so far, and a renewed lease (or stop if it was lost)."""
    table = SolverRun.__table__  # type: ignore[attr-defined]
    began = utcnow()
    held_until = began + timedelta(seconds=lease_seconds)
    while not stop.wait(HEARTBEAT_SECONDS):
        if stopping.is_set():
            stop.set()
            return
        now = utcnow()
        values: dict[str, Any] = {
            "claimed_until": now + timedelta(seconds=lease_seconds),
            "progress": min((now - began).total_seconds() / limit, 0.99),
        }
        with report.lock:
            plan = report.plan
        if plan is not None and plan is not report.written:
            values |= {
                "objective": plan.objective,
                "best_bound": plan.bound,
                "result": plan_json(instance, plan, versions),
            }
        try:
            with engine.begin() as connection:
                kept = connection.execute(update(table).where(mine).values(**values)).rowcount
        except SQLAlchemyError as error:
            # The database is away: keep solving while the lease still holds, so a short
            # outage costs nothing; past it another replica may claim the run, so stop.
            logger.warning("solver run heartbeat failed: %s", error.__class__.__name__)
            if utcnow() + timedelta(seconds=2 * HEARTBEAT_SECONDS) >= held_until:
                stop.set()
                return
            continue
        held_until = values["claimed_until"]
        if "result" in values:
            report.written = plan
        if kept != 1:
            logger.warning("solver run lease lost, stopping")
            stop.set()
            return
