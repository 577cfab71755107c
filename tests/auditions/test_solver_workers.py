"""Runs as background jobs: two replicas never solve one run twice, a dead one is taken over,
a crash leaves the draft untouched."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from services.auditions.generator import JULY_2023, Shape, build_event
from services.auditions.models import SolverRun
from services.auditions.seed import IN_PREPARATION
from services.auditions.settings import AuditionsSettings
from services.auditions.solver import runs
from services.auditions.solver.runs import claim_next
from services.auditions.solver.worker import run_once
from services.common.database import create_db_engine
from services.common.sql import utcnow
from tests.conftest import ClientFactory, Databases
from tests.helpers import assert_problem

from .conftest import organiser_headers
from .solver_support import start_run


@pytest.fixture
def idle(client_for: ClientFactory) -> TestClient:
    """The only replica of these tests: it queues runs but solves none (its worker is off)."""
    return client_for("auditions", solver={"worker": False})


@pytest.fixture
def organiser(
    idle: TestClient, databases: Databases, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    return organiser_headers(databases, monkeypatch)


def _built(databases: Databases, shape: Shape, **options: Any) -> int:
    """One generated event, alone in the database (the demo's shapes, without the rest)."""
    engine = create_db_engine(databases.urls["auditions"], pool_size=1)
    try:
        with Session(engine) as session:
            event = build_event(session, shape, **options)
            session.commit()
            assert event.id is not None
            return event.id
    finally:
        engine.dispose()


@pytest.fixture
def event_id(databases: Databases, idle: TestClient) -> int:
    """The demo's July event (30-odd hearings), without its release or the other event."""
    return _built(databases, JULY_2023)


@pytest.fixture
def small_event(databases: Databases, idle: TestClient) -> int:
    """The demo's event in preparation (four hearings), alone."""
    return _built(databases, IN_PREPARATION, excluded=())


@pytest.fixture
def engines(databases: Databases) -> Iterator[tuple[Engine, Engine]]:
    """Two replicas' own engines on the same database."""
    pair = (
        create_db_engine(databases.urls["auditions"], pool_size=2),
        create_db_engine(databases.urls["auditions"], pool_size=2),
    )
    yield pair
    for engine in pair:
        engine.dispose()


def _settings(databases: Databases) -> AuditionsSettings:
    return AuditionsSettings.model_validate(
        {"database_url": databases.urls["auditions"], "auth": databases.auth_settings()}
    )


def _runs(engine: Engine) -> list[SolverRun]:
    with Session(engine) as session:
        return list(session.exec(select(SolverRun).order_by(col(SolverRun.id))).all())


def test_two_replicas_share_the_queue_without_solving_a_run_twice(
    idle: TestClient,
    organiser: dict[str, str],
    small_event: int,
    engines: tuple[Engine, Engine],
    databases: Databases,
) -> None:
    for _ in range(4):
        start_run(idle, organiser, small_event, time_limit_seconds=1)
    settings = _settings(databases)
    start = threading.Barrier(2)
    stopping = threading.Event()
    solved_by: dict[str, int] = {"replica-a": 0, "replica-b": 0}

    def replica(engine: Engine, name: str) -> None:
        start.wait()
        while run_once(engine, settings, worker=name, stopping=stopping):
            solved_by[name] += 1

    threads = [
        threading.Thread(target=replica, args=(engine, name))
        for engine, name in zip(engines, solved_by, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    done = _runs(engines[0])
    assert [r.status for r in done] == ["done"] * 4
    assert [r.attempts for r in done] == [1] * 4
    assert sum(solved_by.values()) == 4
    assert {r.claimed_by for r in done} <= set(solved_by)
    assert all(r.result is not None and r.result["hard_warnings"] == 0 for r in done)


def test_a_lapsed_lease_is_taken_over_a_live_one_is_not_and_a_run_that_keeps_dying_is_given_up(
    idle: TestClient,
    organiser: dict[str, str],
    small_event: int,
    engines: tuple[Engine, Engine],
) -> None:
    run = start_run(idle, organiser, small_event, time_limit_seconds=1)
    table = SolverRun.__table__  # type: ignore[attr-defined]
    alive = utcnow() + timedelta(seconds=30)
    with engines[0].begin() as connection:
        connection.execute(
            update(table)
            .where(table.c.id == run["id"])
            .values(status="running", claimed_by="replica-a", claimed_until=alive, attempts=1)
        )
    assert claim_next(engines[1], worker="replica-b", lease_seconds=30) is None

    # Replica A died: its lease runs out.
    with engines[0].begin() as connection:
        connection.execute(
            update(table)
            .where(table.c.id == run["id"])
            .values(claimed_until=utcnow() - timedelta(seconds=1))
        )
    assert claim_next(engines[1], worker="replica-b", lease_seconds=30) == run["id"]
    assert claim_next(engines[0], worker="replica-a", lease_seconds=30) is None
    (taken,) = _runs(engines[0])
    assert (taken.claimed_by, taken.attempts) == ("replica-b", 2)

    # Replica B dies too, and so on: after MAX_ATTEMPTS the run is given up, not retried.
    with engines[0].begin() as connection:
        connection.execute(
            update(table)
            .where(table.c.id == run["id"])
            .values(claimed_until=utcnow() - timedelta(seconds=1), attempts=runs.MAX_ATTEMPTS)
        )
    assert claim_next(engines[0], worker="replica-a", lease_seconds=30) is None
    shown = idle.get(f"/events/{small_event}/solver-runs/{run['id']}", headers=organiser).json()
    assert shown["status"] == "failed"
    assert "à plusieurs reprises" in shown["error"]


def test_a_queued_run_has_no_plan_and_a_crash_leaves_the_draft_untouched(
    idle: TestClient,
    organiser: dict[str, str],
    event_id: int,
    engines: tuple[Engine, Engine],
    databases: Databases,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = idle.get(f"/events/{event_id}/draft", headers=organiser).json()["hearings"]
    run = start_run(idle, organiser, event_id)
    # Queued (no replica has taken it yet): no plan, nothing to apply.
    shown = idle.get(f"/events/{event_id}/solver-runs/{run['id']}", headers=organiser).json()
    assert (shown["status"], shown["progress"], shown["plan"]) == ("queued", 0.0, None)
    url = f"/events/{event_id}/solver-runs/{run['id']}/apply"
    assert_problem(idle.post(url, headers=organiser, json={}), 409)
    assert_problem(idle.get(f"/events/{event_id}/solver-runs/999999", headers=organiser), 404)
    assert idle.get(f"/events/{event_id}/solver-runs", headers=organiser).json()["total"] == 1

    def crash(*_: object, **__: object) -> None:
        raise MemoryError("the solver ran out of memory")

    # The solver's process step fails the way a real crash would surface in the worker.
    monkeypatch.setattr(runs, "solve", crash)
    assert run_once(
        engines[0], _settings(databases), worker="replica-a", stopping=threading.Event()
    )

    shown = idle.get(f"/events/{event_id}/solver-runs/{run['id']}", headers=organiser).json()
    assert shown["status"] == "failed"
    assert "le planning en cours n'a pas été modifié" in shown["error"]
    assert shown["plan"] is None
    assert idle.get(f"/events/{event_id}/draft", headers=organiser).json()["hearings"] == before


def test_a_replica_shutting_down_gives_the_run_back_without_using_an_attempt(
    idle: TestClient,
    organiser: dict[str, str],
    small_event: int,
    engines: tuple[Engine, Engine],
    databases: Databases,
) -> None:
    run = start_run(idle, organiser, small_event)
    stopping = threading.Event()
    stopping.set()  # the shutdown signal arrives while the run is being solved
    for _ in range(runs.MAX_ATTEMPTS + 1):
        assert run_once(engines[0], _settings(databases), worker="replica-a", stopping=stopping)
    (requeued,) = _runs(engines[0])
    assert (requeued.id, requeued.status, requeued.attempts) == (run["id"], "queued", 0)

    assert run_once(
        engines[1], _settings(databases), worker="replica-b", stopping=threading.Event()
    )
    (done,) = _runs(engines[1])
    assert (done.status, done.attempts, done.claimed_by) == ("done", 1, "replica-b")
