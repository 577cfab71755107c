"""The catalogue's workloads: the full-text search with facets, the plain list, and the
territories search that every form uses (served by each service, measured here).

Data (bench_catalogue.generate): 10,000 published fiches, the scale docs/catalogue.md names.
The goals of the search and of the list belong to the search issue, which adds its own
workloads here (see docs/benchmarks.md, "Add a workload").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from urllib.parse import urlencode

from bench_catalogue import generate, params
from bench_catalogue import load as load_fiches
from harness import Measured, Workload, p95_at_most

SERVICE = "catalogue"
FICHES = 10_000
# Prefixes people type in a territory field: a name start, a broad one, a code, a department.
TERRITORY_QUERIES = ["lyon", "saint", "sa", "69123", "bou", "marseille", "aix", "pont"]


def load(url: str, *, quick: bool) -> int:
    count = FICHES // 10 if quick else FICHES
    load_fiches(url, generate(count))
    return count


def references() -> Mapping[str, str]:
    return {}


def _paths(folder: Path, name: str, paths: list[str]) -> str:
    file = folder / f"{name}.txt"
    file.write_text("\n".join(paths) + "\n")
    return str(file)


def workloads(count: int, folder: Path, token: str) -> list[Workload]:
    searches = [f"/use-cases?{urlencode(params(n))}" for n in range(8)]
    territories = [f"/territories?{urlencode({'q': q, 'limit': 10})}" for q in TERRITORY_QUERIES]
    return [
        Workload(
            f"search with facets ({count:,} fiches)",
            env={"BENCH_PATHS": _paths(folder, "searches", searches)},
        ),
        Workload(f"list, first page ({count:,} fiches)", env={"BENCH_PATH": "/use-cases?limit=20"}),
        Workload(
            "territories search",
            env={"BENCH_PATHS": _paths(folder, "territories", territories)},
            connections=1,
            goals=(p95_at_most(10),),
        ),
    ]


def compare(measured: Sequence[Measured]) -> list[tuple[str, bool]]:
    return []


def check(count: int, url: str, measured: Sequence[Measured]) -> list[str]:
    return []
