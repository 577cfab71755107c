"""Benchmark of the catalogue's search, on SQLite and PostgreSQL.

    .venv/bin/python bench/bench_catalogue.py [--fiches 10000] [--seconds 5] [--backend sqlite|postgresql|both]

For each backend: a fresh database holding 10,000 generated published fiches (realistic titles,
summaries, porteurs and facet values); the real service started by uvicorn (one worker) on a
free port; then

- latency: a French text query with two facet filters, answered with its facet counts
  (`GET /use-cases?q=…&domain=…&region=…`), one request at a time, p95 over every request;
- throughput: the same searches from 32 concurrent connections, and `GET /health` under the
  same load in the same run, as the reference.

Exits non-zero when a target of the issue is missed: p95 <= 25 ms, search throughput >= 25% of
`/health`'s.
"""

from __future__ import annotations

import argparse
import asyncio
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
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
from alembic import command
from sqlalchemy import insert
from sqlalchemy.engine import make_url

from services.catalogue import vocabularies
from services.catalogue.models import UseCase, UseCaseStatus
from services.catalogue.search.index import rebuild
from services.catalogue.workflow import project
from services.cli import alembic_config
from services.common.database import create_db_engine
from services.common.sql import utcnow
from services.common.territories.search import get_index

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_ADMIN_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
CONCURRENCY = 32
TARGET_P95_MS = 25.0
TARGET_RATIO = 0.25

ACTIONS = [
    "Détection",
    "Prévision",
    "Tri automatique",
    "Analyse",
    "Optimisation",
    "Transcription",
    "Assistant de rédaction",
    "Classement",
    "Cartographie",
    "Suivi",
    "Recommandation",
    "Contrôle",
]
OBJECTS = [
    "des courriers entrants",
    "des fuites sur le réseau d'eau",
    "de la recharge des véhicules électriques",
    "des dépôts sauvages",
    "de la fréquentation des piscines",
    "des demandes d'urbanisme",
    "des tournées de collecte des déchets",
    "des signalements de voirie",
    "des délibérations",
    "des demandes de subventions",
    "des îlots de chaleur",
    "du stationnement",
    "des factures",
    "des dossiers d'aide sociale",
    "des séances du conseil",
    "des feux de forêt",
    "des transports scolaires",
]
DETAILS = [
    "avec relecture humaine des cas incertains",
    "à partir des capteurs installés sur le réseau",
    "grâce à un agent conversationnel",
    "par un modèle d'apprentissage automatique",
    "avec une IA générative hébergée en France",
    "selon des règles publiées",
    "à partir d'images de drones",
]
# (query, filter 1, filter 2): a text and two facets, as people combine them.
QUERIES: list[tuple[str, dict[str, str]]] = [
    ("vehicules", {"domain": "voirie_mobilite", "ai_technology": "optimisation"}),
    ("dechets collecte", {"domain": "dechets_proprete", "local_authority_kind": "commune"}),
    ("chatbot", {"application_type": "relation_usager", "ai_act_class": "transparence_art50"}),
    ("fuites eau", {"domain": "eau_assainissement", "project_status": "en_production"}),
    (
        "redaction deliberations",
        {"ai_technology": "ia_generative", "reusability": "oui_avec_adaptation"},
    ),
    ("urbanisme", {"domain": "urbanisme_habitat", "personal_data": "identifiantes"}),
    ("piscine frequentation", {"domain": "culture_sport", "hosting": "sur_site"}),
    ("detection", {"ai_technology": "vision", "local_authority_kind": "epci"}),
]


def generate(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """`count` published fiches as rows of `use_case`, projected as the service projects them."""
    rng = random.Random(seed)  # noqa: S311 (reproducible test data, not a secret)
    index = get_index()
    porteurs = [
        t
        for kind in ("commune", "epci", "departement")
        for t in index.search("", kind=kind, limit=100).items
    ]
    coded = {name: list(vocabulary) for name, vocabulary in vocabularies.CODED_FIELDS.items()}
    now = utcnow()
    rows = []
    for number in range(count):
        porteur = rng.choice(porteurs)
        title = f"{rng.choice(ACTIONS)} {rng.choice(OBJECTS)}"
        content: dict[str, Any] = {
            "title": title,
            "summary": f"{title} {rng.choice(DETAILS)}, pour {porteur.name}.",
            "description": f"{rng.choice(DETAILS).capitalize()}. {rng.choice(OBJECTS).capitalize()} sont suivis chaque semaine.",
            "keywords": [rng.choice(OBJECTS).split()[-1], rng.choice(ACTIONS).lower()],
            "local_authority_code": porteur.code,
            "individual_decisions": rng.random() < 0.2,
            **{name: rng.choice(codes) for name, codes in coded.items()},
        }
        use_case = UseCase(
            slug=f"banc-{number}", status=UseCaseStatus.PUBLISHED, draft=content, published=content
        )
        project(use_case, content)
        use_case.published_at = now - timedelta(hours=number)
        row = use_case.model_dump()
        row.pop("id")
        rows.append(row)
    return rows


@contextmanager
def database(backend: str, folder: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'catalogue.db'}"
        return
    name = f"iat_bench_catalogue_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        url = make_url(POSTGRES_ADMIN_URL).set(drivername="postgresql+psycopg", database=name)
        yield url.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def load(url: str, rows: list[dict[str, Any]]) -> None:
    config = alembic_config("catalogue", database_url=url)
    config.attributes["configure_logging"] = False
    command.upgrade(config, "head")
    engine = create_db_engine(url, pool_size=1)
    try:
        with engine.begin() as connection:
            for start in range(0, len(rows), 1000):
                connection.execute(insert(UseCase.__table__), rows[start : start + 1000])  # type: ignore[attr-defined]
            # Rows inserted as rows bypass the flush listener that indexes: index them here.
            rebuild(connection)
    finally:
        engine.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def service(url: str, folder: Path) -> Iterator[str]:
    port = free_port()
    env = {
        **os.environ,
        "CATALOGUE_DATABASE_URL": url,
        "AUTH_DATABASE_URL": f"sqlite:///{folder / 'accounts.db'}",
        "AUTH_SECRET_KEY": secrets.token_urlsafe(40),
        "CATALOGUE_LOG_JSON": "false",
        "CATALOGUE_LOG_LEVEL": "WARNING",
        "MAIL_FOLDER": str(folder / "mail"),
    }
    log_path = folder / f"uvicorn-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "services.catalogue.app:create_app",
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
                raise SystemExit(f"le service ne démarre pas : {log_path.read_text()[-2000:]}")
            yield base
        except httpx.HTTPStatusError:
            print(log_path.read_text()[-3000:])
            raise
        finally:
            process.terminate()
            process.wait(timeout=15)


def centile(samples: list[float], q: int) -> float:
    return statistics.quantiles(samples, n=100)[q - 1] if len(samples) >= 2 else samples[0]


def params(number: int) -> dict[str, str]:
    query, filters = QUERIES[number % len(QUERIES)]
    return {"q": query, **filters, "limit": "20"}


def latency(base: str, rounds: int) -> tuple[list[float], int]:
    samples: list[float] = []
    matched = 0
    with httpx.Client(base_url=base, timeout=30) as client:
        for number in range(len(QUERIES)):  # warm-up: the full-text index, caches
            client.get("/use-cases", params=params(number)).raise_for_status()
        for number in range(rounds):
            start = time.perf_counter()
            response = client.get("/use-cases", params=params(number))
            samples.append((time.perf_counter() - start) * 1000)
            response.raise_for_status()
            body = response.json()
            assert "domain" in body["facets"]
            matched += body["total"]
    return samples, matched // rounds


async def throughput(base: str, path: str, seconds: float, search: bool) -> float:
    done = 0
    stop = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:

        async def caller(seed: int) -> None:
            nonlocal done
            number = seed
            while time.monotonic() < stop:
                response = await client.get(path, params=params(number) if search else None)
                response.raise_for_status()
                done += 1
                number += 1

        started = time.monotonic()
        await asyncio.gather(*(caller(seed) for seed in range(CONCURRENCY)))
        return done / (time.monotonic() - started)


def run(backend: str, rows: list[dict[str, Any]], seconds: float, rounds: int) -> list[str]:
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as tmp, database(backend, Path(tmp)) as url:
        folder = Path(tmp)
        started = time.perf_counter()
        load(url, rows)
        print(
            f"\n{backend}: {len(rows)} fiches publiées chargées en {time.perf_counter() - started:.1f} s"
        )
        with service(url, folder) as base:
            samples, matched = latency(base, rounds)
            p95 = centile(samples, 95)
            print(
                f"  texte + 2 facettes, avec décomptes : médiane {statistics.median(samples):.1f} ms, "
                f"p95 {p95:.1f} ms, p99 {centile(samples, 99):.1f} ms ({rounds} requêtes, {matched} résultats en moyenne)"
            )
            searches = asyncio.run(throughput(base, "/use-cases", seconds, search=True))
            health = asyncio.run(throughput(base, "/health", seconds, search=False))
            ratio = searches / health
            print(
                f"  {CONCURRENCY} connexions : recherche {searches:.0f} req/s, /health {health:.0f} req/s, ratio {ratio:.2f}"
            )
        if p95 > TARGET_P95_MS:
            failures.append(f"{backend}: p95 {p95:.1f} ms > {TARGET_P95_MS} ms")
        if ratio < TARGET_RATIO:
            failures.append(f"{backend}: ratio {ratio:.2f} < {TARGET_RATIO}")
    return failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fiches", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=400)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    arguments = parser.parse_args()
    started = time.perf_counter()
    rows = generate(arguments.fiches)
    print(f"{arguments.fiches} fiches générées en {time.perf_counter() - started:.1f} s")
    backends = ["sqlite", "postgresql"] if arguments.backend == "both" else [arguments.backend]
    failures = [
        f for backend in backends for f in run(backend, rows, arguments.seconds, arguments.rounds)
    ]
    print(
        f"\nobjectifs : p95 <= {TARGET_P95_MS} ms ; débit de recherche >= {TARGET_RATIO:.0%} de /health"
    )
    if failures:
        print("OBJECTIFS MANQUÉS :\n  " + "\n  ".join(failures))
        sys.exit(1)
    print("objectifs atteints")


if __name__ == "__main__":
    main()
