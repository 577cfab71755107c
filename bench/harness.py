"""The benchmark harness: each service under uvicorn on PostgreSQL, driven by wrk.

A Python load generator is itself the bottleneck on 2 cores (it caps `/health` near 300
requests/s where wrk gets 1,400 to 1,600), so every figure comes from wrk. For each workload the
harness runs, in the same run and with the same connections and duration, the service's own
`GET /health` then the workload, and prints requests/s, p50, p95, p99, errors (answers that are
not 2xx/3xx, counted by the Lua `response` hook, plus socket errors) and the ratio to `/health`.

The databases are throw-away ones on the shared server (127.0.0.1:5432, user postgres): one per
service and one for the staff accounts, dropped at the end. The services run as in production:
`uvicorn --factory services.<name>.app:create_app`, with the production worker count (uvicorn's
`WEB_CONCURRENCY`, 1 when unset).

A service's workloads live in `bench/wrk_<service>.py`, a module that provides:

- `SERVICE`: catalogue, survey or auditions;
- `load(url, *, quick) -> data`: fill the migrated database `url` at the scale the docs name
  (`quick`: a tenth, for the smoke test) and return what the workloads need (ids, links);
- `references() -> {name: uvicorn factory}`: reference apps started beside the service;
- `workloads(data, folder, token) -> [Workload]` (`token`: a bearer token of the bench's staff
  account, organiser and analyst);
- `compare(measured) -> [(text, met)]`: goals across the workloads of one run;
- `check(data, url, measured) -> [failure]`: what the database must hold after the run.

The Lua scripts are in `bench/lua/`; the command is `bench/run.py`.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import httpx
import psycopg
from alembic import command
from sqlalchemy.engine import make_url
from sqlmodel import Session

from services.cli import alembic_config
from services.common.auth import accounts
from services.common.database import create_db_engine

ROOT = Path(__file__).resolve().parents[1]
LUA = Path(__file__).resolve().parent / "lua"
POSTGRES_ADMIN_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
STAFF = "equipe.banc@example.org"
STAFF_PASSWORD = "mot-de-passe-du-banc-wrk"  # noqa: S105 - a throwaway account
WRK_THREADS = 2  # one per core


# --- what a workload is and what it gives -------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """What wrk measured, from the line the Lua `done` hook prints."""

    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int  # answers neither 2xx nor 3xx, and socket errors (connect, read, write, timeout)
    acknowledged: int  # writes the workload's `acknowledge` hook counted

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class Goal:
    """A target of the issue, written beside the figure it judges."""

    text: str  # e.g. "≥ 40 % de /health"
    met: Callable[[Result, Result], bool]  # (workload, its /health) -> met


def ratio_at_least(share: float) -> Goal:
    return Goal(f"≥ {share * 100:.0f} % de /health", lambda r, h: r.rate >= share * h.rate)


def p95_at_most(ms: float) -> Goal:
    return Goal(f"p95 ≤ {ms:.0f} ms", lambda r, _h: r.p95_ms <= ms)


@dataclass(frozen=True)
class Workload:
    """One wrk run: `script` (in bench/lua/) with its environment, against `server`."""

    name: str
    script: str = "get.lua"
    env: Mapping[str, str] = field(default_factory=dict)
    connections: int = 32
    goals: Sequence[Goal] = ()
    server: str = "service"  # or the name of a reference app the Bench starts beside it


@dataclass(frozen=True)
class Measured:
    workload: Workload
    result: Result
    health: Result
    cpu_ms: float  # CPU time of the server process per request of the workload (user + system)


# --- databases --------------------------------------------------------------------------------------


@contextmanager
def throwaway_database(label: str) -> Iterator[str]:
    """A new database on the shared server, dropped afterwards; yields its SQLAlchemy URL."""
    name = f"iat_bench_{label}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        url = make_url(POSTGRES_ADMIN_URL).set(drivername="postgresql+psycopg", database=name)
        yield url.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrate(name: str, url: str) -> None:
    config = alembic_config(name, database_url=url)
    config.attributes["configure_logging"] = False
    command.upgrade(config, "head")


def add_staff(accounts_url: str) -> None:
    """One organiser and analyst account in the accounts database."""
    migrate("accounts", accounts_url)
    engine = create_db_engine(accounts_url, pool_size=1)
    try:
        with Session(engine) as session:
            accounts.create_staff(
                session,
                email=STAFF,
                name="Équipe du banc",
                password=STAFF_PASSWORD,
                roles=["organiser", "analyst"],
            )
            session.commit()
    finally:
        engine.dispose()


def analyse(url: str) -> None:
    """What autovacuum does after a bulk load: statistics for the planner."""
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


# --- servers ----------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def workers() -> int:
    """The production worker count: uvicorn's own setting, 1 when unset."""
    return int(os.environ.get("WEB_CONCURRENCY", "1"))


@contextmanager
def uvicorn(factory: str, env: Mapping[str, str], folder: Path) -> Iterator[str]:
    """`uvicorn --factory <factory>` on a free port until it answers `/health`; yields its base."""
    port = free_port()
    # The code under test: this tree, or BENCH_SERVICE_ROOT (another checkout of the project,
    # e.g. the commit before a change, to measure both in the same conditions).
    code = Path(os.environ.get("BENCH_SERVICE_ROOT", ROOT))
    log_path = folder / f"{factory.replace(':', '-')}-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", factory, "--port", str(port),
             "--workers", str(workers()), "--no-access-log", "--log-level", "warning"],
            cwd=code, env={**os.environ, **env, "PYTHONPATH": f"{code}:{ROOT / 'bench'}"},
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        PIDS[base] = process.pid
        try:
            deadline = time.monotonic() + 120
            while not _answers(base):
                if time.monotonic() > deadline or process.poll() is not None:
                    raise SystemExit(
                        f"{factory} ne démarre pas : {log_path.read_text(errors='replace')[-2000:]}"
                    )
                time.sleep(0.2)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            failures = [
                line
                for line in log_path.read_text(errors="replace").splitlines()
                if "Traceback" in line or " 500 " in line or "ERROR" in line
            ]
            if failures:
                print(f"journal de {factory} ({log_path}) :\n  " + "\n  ".join(failures[:20]))


# Base address -> process id of each server started: its CPU time is read around each run.
PIDS: dict[str, int] = {}


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its waited-for children (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _answers(base: str) -> bool:
    try:
        return httpx.get(f"{base}/health", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def service_env(service: str, url: str, accounts_url: str, folder: Path) -> dict[str, str]:
    return {
        f"{service.upper()}_DATABASE_URL": url,
        f"{service.upper()}_LOG_JSON": "false",
        "AUTH_DATABASE_URL": accounts_url,
        "AUTH_SECRET_KEY": secrets.token_urlsafe(40),
        "MAIL_FOLDER": str(folder / "mail"),
    }


def staff_token(base: str) -> str:
    """A bearer token of the bench's staff account, signed in as a user would."""
    answer = httpx.post(
        f"{base}/auth/token", data={"username": STAFF, "password": STAFF_PASSWORD}, timeout=30
    )
    answer.raise_for_status()
    return str(answer.json()["access_token"])


# --- wrk ------------------------------------------------------------------------------------------


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("wrk introuvable : `make bench` l'installe (apt-get install -y wrk)")
    return found


_LINE = re.compile(r"^BENCH (.*)$", re.MULTILINE)


def parse_wrk(output: str) -> Result:
    """The figures of the `BENCH key=value …` line that bench/lua/report.lua prints."""
    found = _LINE.search(output)
    if found is None:
        raise ValueError(f"sortie de wrk sans ligne BENCH : {output[-1500:]}")
    values = {k: int(v) for k, v in (pair.split("=") for pair in found.group(1).split())}
    return Result(
        requests=values["requests"],
        seconds=values["duration_us"] / 1e6,
        p50_ms=values["p50_us"] / 1000,
        p95_ms=values["p95_us"] / 1000,
        p99_ms=values["p99_us"] / 1000,
        errors=values["errors"] + values["socket"],
        acknowledged=values["acknowledged"],
    )


def wrk(base: str, workload: Workload, seconds: float) -> Result:
    """One wrk run of `workload` against `base` (the `--latency` distribution included)."""
    done = subprocess.run(
        [ensure_wrk(), f"-t{min(WRK_THREADS, workload.connections)}",
         f"-c{workload.connections}", f"-d{seconds:g}s", "--timeout", "10s", "--latency",
         "-s", str(LUA / workload.script), base],
        env={**os.environ, "BENCH_LUA": str(LUA), "BENCH_RUN": uuid.uuid4().hex[:8], **workload.env},
        capture_output=True, text=True, timeout=seconds + 60,
    )  # fmt: skip
    if done.returncode:
        raise SystemExit(f"wrk a échoué ({done.returncode}) : {done.stderr.strip()}")
    return parse_wrk(done.stdout)


def health_of(workload: Workload) -> Workload:
    return Workload(name="/health", connections=workload.connections)


def measure(
    bases: Mapping[str, str], workload: Workload, seconds: float, warm_up: float
) -> Measured:
    """`/health` of the service, then the workload, with the same connections and duration."""
    target = bases[workload.server]
    if warm_up:
        # Writes of the warm-up under another author: the no-loss checks count only the run's.
        wrk(
            target, replace(workload, env={**workload.env, "BENCH_AUTHOR": "banc-chauffe"}), warm_up
        )
    health = wrk(bases["service"], health_of(workload), seconds)
    before = cpu_seconds(PIDS[target])
    result = wrk(target, workload, seconds)
    spent = cpu_seconds(PIDS[target]) - before
    return Measured(workload, result, health, 1000 * spent / max(result.requests, 1))


# --- the table ------------------------------------------------------------------------------------

HEADER = (
    "| service | workload | conn. | req/s | p50 ms | p95 ms | p99 ms | errors | CPU ms/req "
    "| /health req/s | /health p99 ms | ratio | goal |"
)


def row(service: str, measured: Measured) -> str:
    result, health, workload = measured.result, measured.health, measured.workload
    goals = (
        "; ".join(
            f"{goal.text} {'✓' if goal.met(result, health) else '✗'}" for goal in workload.goals
        )
        or "—"
    )
    return (
        f"| {service} | {workload.name} | {workload.connections} | {result.rate:.0f} "
        f"| {result.p50_ms:.1f} | {result.p95_ms:.1f} | {result.p99_ms:.1f} | {result.errors} "
        f"| {measured.cpu_ms:.2f} | {health.rate:.0f} | {health.p99_ms:.1f} | {result.rate / health.rate:.2f} | {goals} |"
    )


_ROW = re.compile(
    r"^\| (?P<service>\w+) \| (?P<workload>[^|]+?) \| (?P<connections>\d+) \| (?P<rate>\d+) "
    r"\| (?P<p50>[\d.]+) \| (?P<p95>[\d.]+) \| (?P<p99>[\d.]+) \| (?P<errors>\d+) "
    r"\| (?P<cpu_ms>[\d.]+) "
    r"\| (?P<health>\d+) \| (?P<health_p99>[\d.]+) \| (?P<ratio>[\d.]+) \| (?P<goal>.*) \|$"
)


def parse_table(text: str) -> list[dict[str, str]]:
    """The rows of the printed table (what tests/test_bench.py reads)."""
    return [m.groupdict() for line in text.splitlines() if (m := _ROW.match(line))]


def missed(measured: Sequence[Measured]) -> list[str]:
    return [
        f"{m.workload.name} : {goal.text}"
        for m in measured
        for goal in m.workload.goals
        if not goal.met(m.result, m.health)
    ]
