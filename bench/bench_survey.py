"""Benchmark of the survey's save path and participation figures, on SQLite and PostgreSQL.

    .venv/bin/python bench/bench_survey.py [--seconds 8] [--backend sqlite|postgresql|both]

For each backend: a fresh database holding 36,500 invitations and 12,000 responses of 60
questions (720,000 answers); the real service started by uvicorn (one worker) on a free port;
64 respondents saving answers at once, as autosave does (one question per request); every
answer then read back through the API; the participation figures of the whole campaign; and,
in the same run, `GET /health` under the same load as the reference. Exits non-zero when a
target of the issue is missed: >= 300 saves/s, p99 <= 250 ms, no answer lost, participation
<= 200 ms (p95 over repeated calls).
"""

from __future__ import annotations

# ruff: noqa: S311 - seeded pseudo-random data, not secrets
import argparse
import asyncio
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
from alembic import command
from sqlalchemy import insert, select
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

from services.cli import alembic_config
from services.common import private_links
from services.common.auth import accounts
from services.common.database import create_db_engine
from services.survey.models import Campaign, Invitation, InvitationLink, Questionnaire
from services.survey.observatory.frame import freeze

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_ADMIN_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
INVITATIONS = 36_500
RESPONSES = 12_000
QUESTIONS = 60
RESPONDENTS = 64
TARGET_SAVES = 300.0
TARGET_P99_MS = 250.0
TARGET_PARTICIPATION_MS = 200.0
ANALYST = "analyste.bench@example.org"
PASSWORD = "mot-de-passe-du-banc-d-essai"  # noqa: S105 - a throwaway account
LEVELS = ["1", "2", "3", "4", "5"]
TOOLS = ["chat", "ocr", "traduction", "vision", "prevision", "aucun"]


# --- the questionnaire and its answers ------------------------------------------------------------


def definition(key: str = "banc_essai") -> dict[str, Any]:
    """60 questions of the usual types; every tenth one is shown only when q01 is "oui".
    `key`: each bench loader has its own, so they load side by side into one database."""
    items: list[dict[str, Any]] = []
    for number in range(1, QUESTIONS + 1):
        key = f"q{number:02d}"
        kind = ["yes_no", "select_one", "integer", "text", "select_multiple"][(number - 1) % 5]
        question: dict[str, Any] = {
            "kind": "question",
            "key": key,
            "type": kind,
            "label": f"Question {number}",
        }
        if kind == "select_one":
            question["choices"] = "niveaux"
        elif kind == "select_multiple":
            question.update(choices="outils", max=4)
        elif kind == "integer":
            question.update(min=0, max=100_000)
        elif kind == "text":
            question["max_length"] = 300
        if number % 10 == 0:
            question["relevant"] = {"op": "eq", "args": [{"var": "q01"}, "oui"]}
        items.append(question)
    return {
        "key": key,
        "version": "1",
        "title": "Banc d'essai",
        "choice_lists": {
            "niveaux": [{"code": code, "label": f"Niveau {code}"} for code in LEVELS],
            "outils": [
                {"code": code, "label": code, **({"exclusive": True} if code == "aucun" else {})}
                for code in TOOLS
            ],
        },
        "items": items,
    }


def value_for(number: int, rng: random.Random) -> Any:
    if number == 1:
        return "oui"
    kind = (number - 1) % 5
    if kind == 0:
        return rng.choice(["oui", "non", "nsp"])
    if kind == 1:
        return rng.choice(LEVELS)
    if kind == 2:
        return rng.randint(0, 100_000)
    if kind == 3:
        return f"réponse {rng.randint(0, 10**9)}"
    return rng.sample(TOOLS[:-1], rng.randint(1, 4))


# --- databases ------------------------------------------------------------------------------------


@contextmanager
def database(backend: str, folder: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'survey.db'}"
        return
    name = f"iat_bench_survey_{uuid.uuid4().hex[:8]}"
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


def load(
    url: str, invitations: int = INVITATIONS, responses: int = RESPONSES
) -> tuple[int, list[str]]:
    """The campaign, its invitations and responses; returns the campaign id and the tokens."""
    engine = create_db_engine(url)
    rng = random.Random(4)
    now = datetime.now(UTC)
    try:
        with Session(engine) as session:
            questionnaire = Questionnaire(
                key="banc_essai",
                version="1",
                title="Banc d'essai",
                definition=definition(),
                status="published",
                published_at=now,
            )
            session.add(questionnaire)
            session.flush()
            campaign = Campaign(
                slug="banc-essai",
                title="Banc d'essai",
                description="",
                published=True,
                opens_on=date.today() - timedelta(days=10),
                closes_on=date.today() + timedelta(days=30),
                questionnaire_id=questionnaire.id,
            )
            session.add(campaign)
            session.flush()
            assert campaign.id is not None
            campaign_id = campaign.id
            freeze(session.connection(), campaign_id, None)
            kinds = (
                ["commune"] * 34_000 + ["epci"] * 1_250 + ["departement"] * 101 + ["region"] * 18
            )
            bands = ["0-499", "500-1999", "2000-9999", "10000-49999", "50000-199999", "200000+"]
            session.connection().execute(
                insert(Invitation),
                [
                    {
                        "campaign_id": campaign_id,
                        "code": f"B{number:08d}",
                        "kind": kinds[number % len(kinds)],
                        "name": f"Collectivité {number}",
                        "population": rng.randint(50, 500_000),
                        "band": rng.choice(bands),
                        "region": f"{number % 95 % 18 + 1:02d}",
                        "departement": f"{number % 95 + 1:02d}",
                        "emails": f"mairie{number}@example.org",
                        "status": "started" if number < responses else "sent",
                        "revision": 1 if number < responses else 0,
                        "reminders_sent": 0,
                        "created_at": now,
                    }
                    for number in range(invitations)
                ],
            )
            session.commit()
            # Read back: another bench's campaign may already hold the first ids.
            ids = list(
                session.connection().scalars(
                    select(Invitation.id)  # type: ignore[call-overload]
                    .where(Invitation.campaign_id == campaign_id, Invitation.status == "started")
                    .order_by(Invitation.id)
                )
            )
        links = [private_links.issue() for _ in ids]
        with Session(engine) as session:
            session.connection().execute(
                insert(InvitationLink),
                [
                    {
                        "token_hash": link.digest,
                        "invitation_id": invitation_id,
                        "created_at": now,
                    }
                    for link, invitation_id in zip(links, ids, strict=True)
                ],
            )
            session.commit()
        answers = (
            (
                invitation_id,
                f"q{number:02d}",
                json.dumps(value_for(number, rng), ensure_ascii=False),
                1,
                "import",
                now,
            )
            for invitation_id in ids
            for number in range(1, QUESTIONS + 1)
        )
        copy_answers(engine, answers)
        if engine.dialect.name == "postgresql":
            # What autovacuum does after a bulk load: statistics for the planner.
            with engine.connect() as connection:
                connection.exec_driver_sql("ANALYZE")
                connection.commit()
    finally:
        engine.dispose()
    return campaign_id, [link.token for link in links]


def copy_answers(engine: Engine, rows: Iterator[tuple[Any, ...]]) -> None:
    """720,000 rows: COPY on PostgreSQL, executemany on SQLite."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        columns = "invitation_id, key, value, revision, author, updated_at"
        if engine.dialect.name == "postgresql":
            with cursor.copy(f"COPY answer ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(
                f"INSERT INTO answer ({columns}) VALUES (?, ?, ?, ?, ?, ?)",  # noqa: S608 - constant
                [(*row[:5], row[5].isoformat(" ")) for row in rows],
            )
        raw.commit()
    finally:
        raw.close()


def add_analyst(accounts_url: str) -> None:
    migrate("accounts", accounts_url)
    engine = create_db_engine(accounts_url, pool_size=1)
    with Session(engine) as session:
        accounts.create_staff(
            session, email=ANALYST, name="Analyste", password=PASSWORD, roles=["analyst"]
        )
        session.commit()
    engine.dispose()


# --- the service ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def service(url: str, accounts_url: str, folder: Path) -> Iterator[str]:
    port = free_port()
    env = {
        **os.environ,
        "SURVEY_DATABASE_URL": url,
        "AUTH_DATABASE_URL": accounts_url,
        "AUTH_SECRET_KEY": secrets.token_urlsafe(40),
        "SURVEY_LOG_JSON": "false",
        "MAIL_FOLDER": str(folder / "mail"),
    }
    log = (folder / f"uvicorn-{port}.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "services.survey.app:create_app",
            "--port",
            str(port),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise SystemExit(
                f"le service ne démarre pas : {(folder / f'uvicorn-{port}.log').read_text()[-2000:]}"
            )
        yield base
    except BaseException:
        print((folder / f"uvicorn-{port}.log").read_text(errors="replace")[-3000:])
        raise
    finally:
        process.terminate()
        process.wait(timeout=15)
        log.close()


# --- load -----------------------------------------------------------------------------------------


def centile(samples: list[float], q: int) -> float:
    return statistics.quantiles(samples, n=100)[q - 1] if len(samples) >= 2 else samples[0]


class Connection:
    """A bare keep-alive HTTP/1.1 connection: the load generator must cost far less than the
    service it measures (an httpx client with 64 connections saturates a core by itself)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes = b""
    ) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            f"Content-Length: {len(body)}",
        ]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def saves(
    base: str, tokens: list[str], seconds: float
) -> tuple[list[float], dict[str, dict[str, Any]], int]:
    """64 respondents saving one answer at a time; returns latencies, what each saved last, errors."""
    expected: dict[str, dict[str, Any]] = {token: {} for token in tokens}
    latencies: list[float] = []
    errors = 0
    stop = time.monotonic() + seconds
    url = httpx.URL(base)

    async def respondent(token: str, seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        connection = Connection(url.host, url.port or 80)
        headers = {"Authorization": f"PrivateLink {token}", "Content-Type": "application/json"}
        try:
            while time.monotonic() < stop:
                number = rng.randint(1, QUESTIONS)
                key, value = f"q{number:02d}", value_for(number, rng)
                body = json.dumps({"answers": {key: value}, "author": f"banc-{seed}"}).encode()
                start = time.perf_counter()
                status, content = await connection.request(
                    "PATCH", "/answering/answers", headers, body
                )
                latencies.append((time.perf_counter() - start) * 1000)
                if status == 200 and key in json.loads(content)["saved"]:
                    expected[token][key] = value
                else:
                    errors += 1
        finally:
            connection.close()

    await asyncio.gather(*(respondent(token, seed) for seed, token in enumerate(tokens)))
    return latencies, expected, errors


async def health(base: str, concurrency: int, seconds: float) -> list[float]:
    latencies: list[float] = []
    stop = time.monotonic() + seconds
    url = httpx.URL(base)

    async def caller() -> None:
        connection = Connection(url.host, url.port or 80)
        try:
            while time.monotonic() < stop:
                start = time.perf_counter()
                status, _ = await connection.request("GET", "/health", {})
                latencies.append((time.perf_counter() - start) * 1000)
                assert status == 200
        finally:
            connection.close()

    await asyncio.gather(*(caller() for _ in range(concurrency)))
    return latencies


def read_back(base: str, expected: dict[str, dict[str, Any]]) -> int:
    """How many saved answers the API does not give back as last saved."""
    lost = 0
    with httpx.Client(base_url=base, timeout=30) as client:
        for token, answers in expected.items():
            stored = client.get(
                "/answering", headers={"Authorization": f"PrivateLink {token}"}
            ).json()["answers"]
            lost += sum(
                1 for key, value in answers.items() if stored.get(key, {}).get("value") != value
            )
    return lost


def participation(base: str, campaign_id: int, rounds: int = 40) -> list[float]:
    with httpx.Client(base_url=base, timeout=30) as client:
        token = client.post("/auth/token", data={"username": ANALYST, "password": PASSWORD}).json()[
            "access_token"
        ]
        headers = {"Authorization": f"Bearer {token}"}
        samples = []
        for _ in range(rounds):
            start = time.perf_counter()
            response = client.get(f"/campaigns/{campaign_id}/participation", headers=headers)
            samples.append((time.perf_counter() - start) * 1000)
            response.raise_for_status()
        assert response.json()["total"]["invited"] == INVITATIONS
    return samples


def run(backend: str, seconds: float) -> list[str]:
    """Runs the benchmark on one backend; returns the targets it missed."""
    print(f"\n=== {backend} ===")
    with (
        tempfile.TemporaryDirectory(prefix="bench-survey-") as tmp,
        database(backend, Path(tmp)) as url,
    ):
        folder = Path(tmp)
        accounts_url = f"sqlite:///{folder / 'accounts.db'}"
        started = time.perf_counter()
        migrate("survey", url)
        campaign_id, tokens = load(url)
        add_analyst(accounts_url)
        print(
            f"données : {INVITATIONS} invitations, {RESPONSES} réponses × {QUESTIONS} questions "
            f"({RESPONSES * QUESTIONS} réponses aux questions) en {time.perf_counter() - started:.1f} s"
        )
        respondents = random.Random(9).sample(tokens, RESPONDENTS)
        with service(url, accounts_url, folder) as base:
            asyncio.run(saves(base, respondents, 1.0))  # warm-up
            latencies, expected, errors = asyncio.run(saves(base, respondents, seconds))
            reference = asyncio.run(health(base, RESPONDENTS, min(seconds, 4.0)))
            lost = read_back(base, expected)
            figures = participation(base, campaign_id)
    rate = len(latencies) / seconds
    health_rate = len(reference) / min(seconds, 4.0)
    p50, p99 = statistics.median(latencies), centile(latencies, 99)
    h50, h99 = statistics.median(reference), centile(reference, 99)
    part95 = centile(figures, 95)
    checked = sum(len(answers) for answers in expected.values())
    print(
        f"sauvegardes ({RESPONDENTS} répondants) : {rate:7.1f}/s   médiane {p50:6.1f} ms   p99 {p99:6.1f} ms   erreurs {errors}"
    )
    print(
        f"GET /health (référence)       : {health_rate:7.1f}/s   médiane {h50:6.1f} ms   p99 {h99:6.1f} ms"
    )
    print(
        f"ratio sauvegarde / health     : débit {rate / health_rate:5.3f}   p99 {p99 / h99:5.1f}×"
    )
    print(f"relecture : {checked} réponses relues, {lost} perdues")
    print(
        f"participation (campagne entière, {len(figures)} appels) : médiane {statistics.median(figures):6.1f} ms   p95 {part95:6.1f} ms"
    )
    missed = []
    if rate < TARGET_SAVES:
        missed.append(f"{backend} : {rate:.0f} sauvegardes/s < {TARGET_SAVES:.0f}")
    if p99 > TARGET_P99_MS:
        missed.append(f"{backend} : p99 {p99:.0f} ms > {TARGET_P99_MS:.0f}")
    if lost or errors:
        missed.append(f"{backend} : {lost} réponses perdues, {errors} erreurs")
    if part95 > TARGET_PARTICIPATION_MS:
        missed.append(f"{backend} : participation {part95:.0f} ms > {TARGET_PARTICIPATION_MS:.0f}")
    return missed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    missed = [miss for backend in backends for miss in run(backend, args.seconds)]
    if missed:
        print("\nobjectifs manqués :\n  " + "\n  ".join(missed))
        raise SystemExit(1)
    print("\nobjectifs atteints")


if __name__ == "__main__":
    main()
