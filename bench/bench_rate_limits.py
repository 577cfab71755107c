"""Benchmark of the shared rate limiter (services/common/rate_limits.py), on SQLite and PostgreSQL.

    .venv/bin/python bench/bench_rate_limits.py [--calls 2000] [--threads 8] [--backend sqlite|postgresql|both]

For each backend, on a freshly migrated accounts store:

- reference: one durable write, the cheapest thing a limit stored in the database can cost
  (insert one row and commit, in its own session);
- admitted hits: `RateLimiter.hit` on a new key each time (prune, count, insert, commit);
- refused hits: the same key past its limit (prune, count, nothing written);
- parallel hits on one key from `--threads` threads, with a limit of half the calls: how many
  were admitted (must be exactly the limit) and the throughput while they wait for each other.

Exits non-zero when an admitted hit costs more than 4 times the reference, or when the parallel
run admits any other number than the limit.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import psycopg
from alembic import command
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

from services.cli import alembic_config
from services.common.auth.models import RateLimitHit
from services.common.database import create_db_engine
from services.common.errors import TooManyRequests
from services.common.rate_limits import RateLimiter
from services.common.settings import RateLimitSettings

POSTGRES_ADMIN_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
TARGET_RATIO = 4.0


@contextmanager
def accounts_store(backend: str, folder: Path) -> Iterator[str]:
    if backend == "sqlite":
        url = f"sqlite:///{folder / 'accounts.db'}"
    else:
        name = f"iat_bench_accounts_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        server = make_url(POSTGRES_ADMIN_URL)
        url = server.set(drivername="postgresql+psycopg", database=name).render_as_string(
            hide_password=False
        )
    try:
        config = alembic_config("accounts", database_url=url)
        config.attributes["configure_logging"] = False
        command.upgrade(config, "head")
        yield url
    finally:
        if backend == "postgresql":
            with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def per_call_ms(calls: int, action: Callable[[int], None]) -> float:
    samples = []
    for number in range(calls):
        started = time.perf_counter()
        action(number)
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def plain_write(engine: Engine) -> Callable[[int], None]:
    def write(number: int) -> None:
        with Session(engine) as session:
            session.add(RateLimitHit(bucket="reference", key=f"{number:064d}"))
            session.commit()

    return write


def refused(limiter: RateLimiter) -> Callable[[int], None]:
    def hit(_number: int) -> None:
        try:
            limiter.hit("recipient", "full@example.org")
        except TooManyRequests:
            return

    return hit


def parallel(limiter: RateLimiter, calls: int, threads: int) -> tuple[int, float]:
    def attempt(_number: int) -> bool:
        try:
            limiter.hit("public_submission", "192.0.2.1")
        except TooManyRequests:
            return False
        return True

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        admitted = sum(pool.map(attempt, range(calls)))
    return admitted, calls / (time.perf_counter() - started)


def run(backend: str, calls: int, threads: int) -> list[str]:
    failures: list[str] = []
    limit = calls // 2
    rules = RateLimitSettings.model_validate(
        {"public_submission": f"{limit}/3600", "recipient": "1/3600"}
    )
    with tempfile.TemporaryDirectory() as tmp, accounts_store(backend, Path(tmp)) as url:
        engine = create_db_engine(url, pool_size=threads)
        try:
            limiter = RateLimiter(engine, rules, secret=secrets.token_urlsafe(48))
            reference = per_call_ms(calls, plain_write(engine))
            admitted = per_call_ms(calls, lambda n: limiter.hit("link_issue", f"staff:{n}"))
            limiter.hit("recipient", "full@example.org")
            refusal = per_call_ms(calls, refused(limiter))
            count, throughput = parallel(limiter, calls, threads)
        finally:
            engine.dispose()
    ratio = admitted / reference
    print(f"\n{backend}: {calls} appels de chaque sorte (médianes)")
    print(f"  référence, une écriture validée : {reference:.2f} ms")
    print(f"  coup admis : {admitted:.2f} ms (ratio {ratio:.2f}) ; coup refusé : {refusal:.2f} ms")
    print(
        f"  {threads} fils sur une même clé, limite {limit} : {count} admis sur {calls}, "
        f"{throughput:.0f} coups/s"
    )
    if ratio > TARGET_RATIO:
        failures.append(f"{backend}: ratio {ratio:.2f} > {TARGET_RATIO}")
    if count != limit:
        failures.append(f"{backend}: {count} admis au lieu de {limit}")
    return failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    arguments = parser.parse_args()
    backends = ["sqlite", "postgresql"] if arguments.backend == "both" else [arguments.backend]
    failures = [f for b in backends for f in run(b, arguments.calls, arguments.threads)]
    print(f"\nobjectifs : coup admis <= {TARGET_RATIO} x la référence ; admis = limite exactement")
    if failures:
        print("OBJECTIFS MANQUÉS :\n  " + "\n  ".join(failures))
        sys.exit(1)
    print("objectifs atteints")


if __name__ == "__main__":
    main()
