"""Speed of the catalogue's search with wrk, on PostgreSQL, beside `/health` in the same run.

    .venv/bin/python bench/bench_search_speed.py [--fiches 10000] [--seconds 10] [--backend postgresql]

A fresh database with `--fiches` generated published fiches (bench/bench_catalogue.py's
generator and loader, which indexes them as the service does); the real service under
uvicorn (one worker); then, for `/health` and each query shape — the list without a query (the
landing page), a common word, a rare word, several words, a common word with two facets, the
suggestions while typing —, wrk at 32 connections (requests/s, and the share of `/health`'s)
and at one connection (median and p95, from wrk's own latency record through a Lua `done`).

Goals of issue 19: at 32 connections each shape ≥ 25 % of `/health`; at one connection p95 ≤
25 ms, suggestions p95 ≤ 10 ms. Needs Debian's `wrk`.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import select
from sqlmodel import col

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_catalogue import database, generate, load, service

from services.catalogue.models import SearchTerm
from services.common.database import create_db_engine

_LUA = """
done = function(summary, latency, requests)
  io.write(string.format("LAT %.3f %.3f\\n", latency:percentile(50) / 1000, latency:percentile(95) / 1000))
end
"""


def wrk(url: str, *, connections: int, seconds: int, script: Path) -> tuple[float, float, float]:
    """(requests/s, median ms, p95 ms) of wrk on `url`."""
    threads = min(2, connections)
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "-s", str(script), url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rate = next(
        float(line.split()[1]) for line in out.splitlines() if line.startswith("Requests/sec")
    )
    median, p95 = (
        float(v) for v in next(row for row in out.splitlines() if row.startswith("LAT")).split()[1:]
    )
    # Timeouts and non-2xx answers are printed, not hidden: they count against the shape.
    for line in out.splitlines():
        if "Non-2xx" in line or "Socket errors" in line:
            print(f"    {url}: {line.strip()}")
    return rate, median, p95


def shapes(url: str) -> dict[str, str]:
    """The query shapes, with a rare word taken from the index itself."""
    engine = create_db_engine(url, pool_size=1)
    with engine.connect() as connection:
        rare = connection.execute(
            select(col(SearchTerm.word))
            .where(col(SearchTerm.fiches).between(3, 30), col(SearchTerm.word).is_not(None))
            .order_by(col(SearchTerm.term))
            .limit(1)
        ).scalar_one()
    engine.dispose()
    return {
        "liste sans requête": "/use-cases",
        "mot courant": "/use-cases?" + urlencode({"q": "détection"}),
        "mot rare": "/use-cases?" + urlencode({"q": rare}),
        "plusieurs mots": "/use-cases?" + urlencode({"q": "prévision fréquentation piscines"}),
        "mot courant + 2 facettes": "/use-cases?"
        + urlencode(
            {"q": "détection", "domain": "voirie_mobilite", "local_authority_kind": "commune"}
        ),
        "2 facettes sans requête": "/use-cases?"
        + urlencode({"domain": "voirie_mobilite", "ai_act_class": "haut_risque"}),
        "suggestions": "/use-cases/suggestions?" + urlencode({"q": "prévision pisc"}),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fiches", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--backend", choices=["postgresql", "sqlite"], default="postgresql")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        script = folder / "latency.lua"
        script.write_text(_LUA)
        with database(args.backend, folder) as url:
            load(url, generate(args.fiches))  # indexed as it loads
            queries = shapes(url)
            with service(url, folder) as base:
                health, _m, _p = wrk(
                    f"{base}/health", connections=32, seconds=args.seconds, script=script
                )
                print(
                    f"{args.fiches} fiches, {args.backend}; /health at 32 connections: {health:.0f} req/s"
                )
                print(
                    f"{'forme':28} {'req/s (32)':>10} {'% /health':>9} {'médiane (1)':>11} {'p95 (1)':>8}"
                )
                for label, path in queries.items():
                    rate, _m, _p = wrk(
                        base + path, connections=32, seconds=args.seconds, script=script
                    )
                    _r, median, p95 = wrk(
                        base + path, connections=1, seconds=args.seconds, script=script
                    )
                    print(
                        f"{label:28} {rate:10.0f} {rate / health:9.0%} {median:9.1f} ms {p95:6.1f} ms"
                    )
                after, _m, _p = wrk(
                    f"{base}/health", connections=32, seconds=args.seconds, script=script
                )
                print(f"/health at 32 connections, at the end: {after:.0f} req/s")


if __name__ == "__main__":
    main()
