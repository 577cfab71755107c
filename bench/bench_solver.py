"""Benchmark of the automatic scheduling (CP-SAT) on generated events like the reference.

    .venv/bin/python bench/bench_solver.py [--seconds 60] [--growth-seconds 60] [--seed 7]

Events of 150 hearings over 8 working days, 3 rooms and a video link, 15 members, a
15-minute grid, 2 CP-SAT workers; 10 % plenary hearings (president and one rapporteur per
theme), 10 organisations heard twice. The draft is emptied first: the solver starts from
nothing. Targets (issue 7): a first plan in <= 10 s; after --seconds every placeable hearing
placed with zero hard warnings (checked by conflicts.py, independent of the solver); after
a release, five actors cancel the day they were scheduled on and the repair moves only those
five hearings in <= 20 s. Then how the time to a first plan, and to a plan that places every
placeable hearing, grows with 50, 100, 150 and 200 hearings.
The reference measured in the same run is the warnings check of the same plan (the pure
function the editor calls on every change). Exits non-zero when a target is missed.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

from alembic import command
from sqlmodel import Session, col, select

from services.auditions.conflicts import compute_warnings
from services.auditions.generator import JULY_2023, Shape, build_event
from services.auditions.models import Event, Hearing, Invitation, PanelMember, Release
from services.auditions.releases import draft_entries
from services.auditions.solver.instance import Instance
from services.auditions.solver.loader import load_instance
from services.auditions.solver.model import Outcome, Plan, solve
from services.auditions.solver.verify import hard_warnings, planned_schedule
from services.cli import alembic_config
from services.common.database import create_db_engine
from services.common.sql import utcnow

FIRST_PLAN_TARGET = 10.0
REPAIR_TARGET = 20.0
CANCELLING = 5
SIZES = (50, 100, 150, 200)


def shape(hearings: int, seed: int) -> Shape:
    return replace(
        JULY_2023,
        slug=f"banc-{hearings}",
        title=f"Banc d'essai : {hearings} auditions",
        starts_on=date(2023, 7, 11),
        ends_on=date(2023, 7, 21),  # 8 working days once 14 July and the weekend are out
        hearings=hearings,
        members=15,
        seed=seed,
    )


def like_reference(session: Session, event: Event, seed: int) -> None:
    """Plenary hearings and shared organisations as in the reference; an empty draft."""
    rng = random.Random(seed)  # noqa: S311 - reproducible benchmark data
    members = session.exec(select(PanelMember).where(PanelMember.event_id == event.id)).all()
    president = next(m.id for m in members if m.role == "president")
    by_theme: dict[int | None, list[int]] = {}
    for m in members:
        if m.role == "rapporteur" and m.id is not None:
            by_theme.setdefault(m.theme_id, []).append(m.id)
    hearings = list(
        session.exec(select(Hearing).where(Hearing.event_id == event.id).order_by(col(Hearing.id)))
    )
    for hearing in rng.sample(hearings, len(hearings) // 10):
        hearing.requirements = [{"member_ids": [president], "min_count": 1}] + [
            {"member_ids": pair, "min_count": 1} for pair in by_theme.values()
        ]
        hearing.mode = "hybrid"
    pairs = rng.sample(hearings, 20)
    for first, second in zip(pairs[::2], pairs[1::2], strict=True):
        second.actor_ids = [*second.actor_ids, *first.actor_ids]
    for hearing in hearings:
        hearing.room_id, hearing.starts_at, hearing.member_ids = None, None, []
    session.flush()


@dataclass
class Measured:
    instance: Instance
    outcome: Outcome
    placeable: int
    # When a plan first placed every placeable hearing (None: never within the limit).
    complete_at: float | None = None


def run(
    session: Session,
    event: Event,
    *,
    seconds: float,
    kind: str = "plan",
    until_complete: bool = False,
) -> Measured:
    """Solve; with `until_complete`, stop at the first plan that places every placeable hearing."""
    instance = load_instance(session, event, kind=kind)
    placeable = sum(1 for t in instance.tasks if t.reason is None)
    complete: list[float] = []
    stop = threading.Event()

    def seen(plan: Plan) -> None:
        if not complete and len(plan.proposals) == placeable:
            complete.append(plan.seconds)
            if until_complete:
                stop.set()

    outcome = solve(
        instance,
        time_limit=seconds,
        workers=2,
        seed=1,
        repair=kind == "repair",
        on_plan=seen,
        stop=stop,
    )
    return Measured(instance, outcome, placeable, complete[0] if complete else None)


def apply_and_release(session: Session, event: Event, measured: Measured) -> None:
    plan = measured.outcome.plan
    assert plan is not None
    hearings = {h.id: h for h in session.exec(select(Hearing).where(Hearing.event_id == event.id))}
    for p in plan.proposals:
        hearing = hearings[p.hearing_id]
        hearing.room_id = p.room_id
        hearing.starts_at = measured.instance.grid.at(p.start)
        hearing.member_ids = list(p.member_ids)
    session.flush()
    assert event.id is not None
    session.add(
        Release(
            event_id=event.id, name="v1", changelog="Banc.", entries=draft_entries(session, event)
        )
    )
    session.flush()


def cancel_days(session: Session, event: Event, count: int, seed: int) -> set[int]:
    """`count` actors heard alone take back the whole day they were scheduled on."""
    rng = random.Random(seed)  # noqa: S311 - reproducible benchmark data
    hearings = [
        h
        for h in session.exec(select(Hearing).where(Hearing.event_id == event.id))
        if len(h.actor_ids) == 1 and h.starts_at is not None
    ]
    shared = {
        a for h in hearings for a in h.actor_ids if sum(a in g.actor_ids for g in hearings) > 1
    }
    chosen = rng.sample([h for h in hearings if h.actor_ids[0] not in shared], count)
    for hearing in chosen:
        assert hearing.starts_at is not None
        day = hearing.starts_at.astimezone(UTC).date()
        invitation = session.exec(
            select(Invitation).where(Invitation.actor_id == hearing.actor_ids[0])
        ).one()
        invitation.availability = [
            w for w in invitation.availability if datetime.fromisoformat(w["start"]).date() != day
        ]
        invitation.answered_at = utcnow()
    session.flush()
    return {h.id for h in chosen if h.id is not None}


def warnings_ms(instance: Instance, plan: Plan) -> float:
    schedule = planned_schedule(instance, plan)
    samples = []
    for _ in range(20):
        start = time.perf_counter()
        compute_warnings(schedule)
        samples.append(time.perf_counter() - start)
    return min(samples) * 1000


def report(label: str, measured: Measured) -> list[str]:
    out, plan = measured.outcome, measured.outcome.plan
    if plan is None:
        print(f"  {label}: no plan ({out.status}) in {out.wall_seconds:.1f} s")
        return [f"{label}: no plan"]
    hard = len(hard_warnings(measured.instance, plan))
    check = warnings_ms(measured.instance, plan)
    first = out.first_solution_seconds or 0.0
    complete = f"{measured.complete_at:5.2f} s" if measured.complete_at is not None else "never"
    print(
        f"  {label}: first plan {first:5.2f} s, all placeable placed {complete} "
        f"({(measured.complete_at or out.wall_seconds) * 1000 / check:,.0f}x the warnings check "
        f"of {check:.2f} ms); at {out.wall_seconds:5.1f} s {out.status}: "
        f"{len(plan.proposals)}/{measured.placeable} placeable placed, "
        f"objective {plan.objective:.0f}, bound {plan.bound:.0f}, {hard} hard warnings"
    )
    missed = []
    if len(plan.proposals) < measured.placeable:
        missed.append(f"{label}: {measured.placeable - len(plan.proposals)} placeable left out")
    if hard:
        missed.append(f"{label}: {hard} hard warnings")
    return missed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="time limit of the main run")
    parser.add_argument(
        "--growth-seconds", type=float, default=60.0, help="limit per size (stops once all placed)"
    )
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    missed: list[str] = []
    with tempfile.TemporaryDirectory() as workdir:
        url = f"sqlite:///{Path(workdir) / 'auditions.db'}"
        config = alembic_config("auditions", database_url=url)
        config.attributes["configure_logging"] = False
        command.upgrade(config, "head")
        engine = create_db_engine(url, pool_size=1)
        with Session(engine) as session:
            print(f"150 hearings, 8 days, 4 rooms, 15 members, 2 workers, {args.seconds:.0f} s")
            event = build_event(session, shape(150, args.seed))
            like_reference(session, event, args.seed)
            main_run = run(session, event, seconds=args.seconds)
            missed += report("plan", main_run)
            first = main_run.outcome.first_solution_seconds
            if first is None or first > FIRST_PLAN_TARGET:
                missed.append(f"first plan after {first} s (target <= {FIRST_PLAN_TARGET} s)")
            apply_and_release(session, event, main_run)
            cancelled = cancel_days(session, event, CANCELLING, args.seed)
            started = time.perf_counter()
            repair = run(session, event, seconds=REPAIR_TARGET, kind="repair")
            plan = repair.outcome.plan
            moved = set(plan.moved) if plan else set()
            print(
                f"  repair after {CANCELLING} actors cancel a day: {repair.outcome.status} in "
                f"{time.perf_counter() - started:.1f} s (first plan "
                f"{repair.outcome.first_solution_seconds or 0:.2f} s); moved {len(moved)}: "
                f"{'only those' if moved == cancelled else sorted(moved ^ cancelled)}"
            )
            missed += report("repair", repair)
            if moved != cancelled:
                missed.append(f"repair moved {sorted(moved)}, expected {sorted(cancelled)}")
            session.rollback()
            print(f"\ngrowth (until all placeable are placed, at most {args.growth_seconds:.0f} s)")
            for size in SIZES:
                event = build_event(session, shape(size, args.seed + size))
                like_reference(session, event, args.seed + size)
                measured = run(session, event, seconds=args.growth_seconds, until_complete=True)
                # Growth is reported, not a target; a hard warning still is a failure.
                missed += [m for m in report(f"{size:3d} hearings", measured) if "hard" in m]
                session.rollback()
        engine.dispose()
    for line in missed:
        print(f"MISSED {line}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
