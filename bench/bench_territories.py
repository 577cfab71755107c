"""Benchmark of the territories reference: loading, the search function, the HTTP route.

    .venv/bin/python bench/bench_territories.py

Typical queries are what people type in a search box, unfinished words included. Each figure
comes with its reference measured in the same run: a naive linear scan over the raw names for
the search function, a trivial route of the same app for `GET /territories`.
"""

from __future__ import annotations

import asyncio
import resource
import statistics
import time
from collections.abc import Callable, Sequence
from functools import partial

import httpx
from fastapi import FastAPI

from services.common.errors import install_error_handlers
from services.common.territories.routes import territories_router
from services.common.territories.search import KINDS, Territory, get_index

QUERIES = [
    "paris",
    "st etienne",
    "saint",
    "sa",
    "saint mal",
    "lyon",
    "marseille",
    "bordeaux",
    "toulouse",
    "la rochelle",
    "villeneuve",
    "mont",
    "sur mer",
    "metropole de lyon",
    "bouches du rhone",
    "ile de france",
    "grand paris",
    "cc du pays",
    "communaute",
    "75001",
    "13001",
    "69",
    "2A004",
    "214202186",
    "plaine commune",
]
FUNCTION_ROUNDS = 40
HTTP_ROUNDS = 8


def naive_search(territories: Sequence[Territory], query: str, limit: int = 20) -> list[Territory]:
    """The reference: scan every raw name, sort the matches by population."""
    needle = query.lower()
    matches = [territory for territory in territories if needle in territory.name.lower()]
    return sorted(matches, key=lambda territory: -(territory.population or 0))[:limit]


def timed_ms(call: Callable[[], object], clock: Callable[[], float] = time.perf_counter) -> float:
    start = clock()
    call()
    return (clock() - start) * 1000


def summary(samples: list[float]) -> tuple[float, float, float]:
    centiles = statistics.quantiles(samples, n=100)
    return statistics.median(samples), centiles[94], centiles[98]


def line(label: str, samples: list[float]) -> str:
    median, p95, p99 = summary(samples)
    return f"{label:<28} median {median:7.3f} ms   p95 {p95:7.3f} ms   p99 {p99:7.3f} ms"


def report(label: str, samples: list[float], reference: list[float], reference_label: str) -> None:
    print(line(label, samples))
    print(line(reference_label, reference))
    (median, _, p99), (ref_median, _, ref_p99) = summary(samples), summary(reference)
    ratio = f"median {median / ref_median:7.3f}   p99 {p99 / ref_p99:7.3f}"
    print(f"{'ratio ours / reference':<28} {ratio}")


def bench_load() -> None:
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    load_ms = timed_ms(get_index)
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    index = get_index()
    counts = ", ".join(f"{index.count(kind)} {kind}" for kind in KINDS)
    print(
        f"load on first use: {load_ms:.0f} ms, peak RSS +{(rss_after - rss_before) / 1024:.0f} MB"
    )
    print(f"territories: {counts}")


def bench_function() -> None:
    index = get_index()
    ours: list[float] = []
    ours_cpu: list[float] = []
    naive: list[float] = []
    for _ in range(FUNCTION_ROUNDS):
        for query in QUERIES:
            ours.append(timed_ms(partial(index.search, query)))
            # CPU time of this thread: what the search costs when other processes share the cores.
            ours_cpu.append(timed_ms(partial(index.search, query), time.thread_time))
            naive.append(timed_ms(partial(naive_search, index.territories, query)))
    print(f"\nsearch function, {len(QUERIES)} queries × {FUNCTION_ROUNDS} rounds (wall clock)")
    report("TerritoryIndex.search", ours, naive, "naive scan (reference)")
    print(line("TerritoryIndex.search, CPU", ours_cpu))


def bench_app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(territories_router())

    @app.get("/ping")
    def ping() -> dict[str, bool]:
        return {"ok": True}

    return app


async def bench_http() -> None:
    transport = httpx.ASGITransport(app=bench_app())
    ours: list[float] = []
    trivial: list[float] = []
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for _ in range(HTTP_ROUNDS):
            for query in QUERIES:
                start = time.perf_counter()
                (await client.get("/territories", params={"q": query})).raise_for_status()
                ours.append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                (await client.get("/ping")).raise_for_status()
                trivial.append((time.perf_counter() - start) * 1000)
    print(f"\nGET /territories?q= (httpx ASGITransport), {len(QUERIES)} queries × {HTTP_ROUNDS}")
    report("GET /territories", ours, trivial, "GET /ping (reference)")


def main() -> None:
    bench_load()
    bench_function()
    asyncio.run(bench_http())


if __name__ == "__main__":
    main()
