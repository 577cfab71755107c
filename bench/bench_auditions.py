"""Benchmark of the hearings service: warnings of a full schedule, public agenda throughput.

    .venv/bin/python bench/bench_auditions.py [--seconds 3] [--no-postgres]

A generated event of 150 hearings, 8 days, 3 rooms and a video link, 15 members, fully
scheduled and released. Targets (issue 6): all warnings of the schedule in <= 50 ms; the
public agenda and its iCalendar feed served at >= 25 % of the same service's `/health`
throughput, measured in the same run, on SQLite and on PostgreSQL. The service runs for real
(uvicorn, one worker, on a free port); the load comes from concurrent httpx clients.
Exits non-zero when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import IO

import httpx
import psycopg
from sqlmodel import Session

from services.auditions.conflicts import compute_warnings
from services.auditions.draft import load_schedule
from services.auditions.generator import JULY_2023, build_event
from services.auditions.models import Event, Release
from services.auditions.releases import draft_entries
from services.common.database import create_db_engine

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
POSTGRES = "postgresql://postgres@127.0.0.1:5432"
WARNINGS_TARGET_MS = 50.0
THROUGHPUT_TARGET = 0.25
CONCURRENCY = 16
SHAPE = replace(
    JULY_2023,
    slug="banc-150",
    title="Banc d'essai : 150 auditions",
    starts_on=date(2023, 7, 11),
    ends_on=date(2023, 7, 21),  # 8 working days once 14 July and the weekend are out
    hearings=150,
    members=15,
    seed=7,
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def postgres_database() -> Iterator[str]:
    name = f"bench_auditions_{secrets.token_hex(4)}"
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare(url: str, env: dict[str, str]) -> int:
    """Migrate, generate the event, release it; returns the event id."""
    subprocess.run(
        [str(BIN / "iat-admin"), "migrate", "--service", "auditions"],
        cwd=ROOT,
        env={**env, "AUDITIONS_DATABASE_URL": url},
        check=True,
        capture_output=True,
    )
    return prepare_event(url)


def prepare_event(url: str) -> int:
    """In a migrated database: generate the event, release it; returns the event id."""
    engine = create_db_engine(url, pool_size=1)
    try:
        with Session(engine) as session:
            event = build_event(session, SHAPE)
            assert event.id is not None
            session.add(
                Release(
                    event_id=event.id,
                    name="v1",
                    changelog="Banc.",
                    entries=draft_entries(session, event),
                )
            )
            session.commit()
            return event.id
    finally:
        engine.dispose()


def bench_warnings(url: str, event_id: int) -> float:
    engine = create_db_engine(url, pool_size=1)
    try:
        with Session(engine) as session:
            event = session.get(Event, event_id)
            assert event is not None
            start = time.perf_counter()
            schedule = load_schedule(session, event)
            load_ms = (time.perf_counter() - start) * 1000
    finally:
        engine.dispose()
    placed = sum(1 for p in schedule.placements if p.start is not None)
    samples = []
    for _ in range(50):
        start = time.perf_counter()
        warnings = compute_warnings(schedule)
        samples.append((time.perf_counter() - start) * 1000)
    worst = max(samples)
    print(
        f"  schedule: {len(schedule.placements)} hearings, {placed} placed, {len(warnings)} warnings"
    )
    print(
        f"  warnings: median {statistics.median(samples):.2f} ms, max {worst:.2f} ms "
        f"(target <= {WARNINGS_TARGET_MS:.0f} ms); reading the draft from the database {load_ms:.1f} ms"
    )
    return worst


async def throughput(base: str, path: str, seconds: float) -> float:
    done = 0
    deadline = time.perf_counter() + seconds

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal done
        while time.perf_counter() < deadline:
            response = await client.get(path)
            response.raise_for_status()
            done += 1

    limits = httpx.Limits(max_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        await client.get(path)  # warm-up
        start = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(CONCURRENCY)))
        return done / (time.perf_counter() - start)


@contextmanager
def running_service(url: str, env: dict[str, str]) -> Iterator[str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [
        str(BIN / "uvicorn"),
        "services.auditions.app:create_app",
        "--factory",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**env, "AUDITIONS_DATABASE_URL": url},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_up(base, log)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=10)


def wait_until_up(base: str, log: IO[bytes]) -> None:
    for _ in range(100):
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    log.seek(0)
    raise RuntimeError(log.read().decode(errors="replace")[-2000:])


def bench_backend(label: str, url: str, env: dict[str, str], seconds: float) -> list[str]:
    print(f"\n{label}")
    event_id = prepare(url, env)
    missed = []
    if bench_warnings(url, event_id) > WARNINGS_TARGET_MS:
        missed.append(f"{label}: warnings over {WARNINGS_TARGET_MS} ms")
    with running_service(url, env) as base:
        health = asyncio.run(throughput(base, "/health", seconds))
        print(f"  GET /health                    {health:8.0f} req/s (reference)")
        for path in (f"/events/{event_id}/agenda", f"/events/{event_id}/agenda.ics"):
            rate = asyncio.run(throughput(base, path, seconds))
            ratio = rate / health
            print(f"  GET {path:<27}{rate:8.0f} req/s   {ratio:6.1%} of /health (target >= 25 %)")
            if ratio < THROUGHPUT_TARGET:
                missed.append(f"{label}: {path} at {ratio:.1%} of /health")
    return missed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="length of each throughput run")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        env = {
            **os.environ,
            "AUTH_SECRET_KEY": secrets.token_urlsafe(36),
            "AUTH_DATABASE_URL": f"sqlite:///{workdir}/accounts.db",
            "MAIL_WORKER": "false",
            "AUDITIONS_LOG_JSON": "false",
            "AUDITIONS_LOG_LEVEL": "WARNING",
        }
        subprocess.run(
            [str(BIN / "iat-admin"), "migrate", "--service", "accounts"],
            cwd=ROOT,
            env=env,
            check=False,
            capture_output=True,
        )
        missed = bench_backend("SQLite", f"sqlite:///{workdir}/auditions.db", env, args.seconds)
        if not args.no_postgres:
            with postgres_database() as url:
                missed += bench_backend("PostgreSQL", url, env, args.seconds)
    for line in missed:
        print(f"MISSED {line}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
