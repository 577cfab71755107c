"""The survey's workloads: the respondent's autosave, its naive reference, the participation.

Data (bench_survey.load): 36,500 invitations, 12,000 started responses × 60 questions
(720,000 answers), the scale docs/survey.md names. The autosave runs at 64 connections over 200
response links (issue 20), one answer per request with `Authorization: PrivateLink`, as the
answering page sends them; the naive SQLModel insert (bench/naive_insert.py) runs in the same
run as the write reference. After the run, every acknowledged save must be in the responses'
history (`answer_event`): recorded ≥ acknowledged, and at most one more per connection (a
request in flight when wrk stopped).
"""

from __future__ import annotations

# ruff: noqa: S311 - seeded pseudo-random choice of links, not secrets
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import psycopg
from bench_survey import load as load_survey
from harness import Goal, Measured, Result, Workload, p95_at_most, ratio_at_least

SERVICE = "survey"
LINKS = 200
SAVERS = 64
AUTHOR = "banc-wrk"


@dataclass(frozen=True)
class Data:
    campaign_id: int
    links: list[str]


def load(url: str, *, quick: bool) -> Data:
    if quick:
        campaign_id, tokens = load_survey(url, invitations=3_650, responses=1_200)
    else:
        campaign_id, tokens = load_survey(url)
    return Data(campaign_id, random.Random(9).sample(tokens, LINKS))


def references() -> Mapping[str, str]:
    return {"naive_insert": "naive_insert:create_app"}


def _p99_within(factor: float) -> Goal:
    return Goal(f"p99 ≤ {factor}× /health", lambda r, h: r.p99_ms <= factor * h.p99_ms)


def workloads(data: Data, folder: Path, token: str) -> list[Workload]:
    links = folder / "links.txt"
    links.write_text("\n".join(data.links) + "\n")
    return [
        Workload(
            "naive SQLModel insert (reference)",
            script="insert.lua",
            connections=SAVERS,
            server="naive_insert",
        ),
        Workload(
            "autosave PATCH /answering/answers",
            script="autosave.lua",
            env={"BENCH_LINKS": str(links), "BENCH_AUTHOR": AUTHOR},
            connections=SAVERS,
            goals=(ratio_at_least(0.40), _p99_within(1.5)),
        ),
        Workload(
            "participation (36,500 invitations)",
            env={
                "BENCH_PATH": f"/campaigns/{data.campaign_id}/participation",
                "BENCH_TOKEN": token,
            },
            connections=1,
            goals=(p95_at_most(200),),
        ),
    ]


def compare(measured: Sequence[Measured]) -> list[tuple[str, bool]]:
    """Goals across workloads of one run: the autosave against the naive insert."""
    by_name = {m.workload.name.split(" ")[0]: m.result for m in measured}
    save: Result | None = by_name.get("autosave")
    naive: Result | None = by_name.get("naive")
    if save is None or naive is None:
        return []
    factor = save.rate / naive.rate if naive.rate else 0.0
    return [(f"autosave / naive insert : {factor:.2f}× (objectif ≥ 1.8×)", factor >= 1.8)]


def check(data: Data, url: str, measured: Sequence[Measured]) -> list[str]:
    """No acknowledged save lost: each is in the history, with at most one in flight per
    connection besides."""
    saves = [m for m in measured if m.workload.script == "autosave.lua"]
    if not saves:
        return []
    acknowledged = sum(m.result.acknowledged for m in saves)
    connections = sum(m.workload.connections for m in saves)
    with psycopg.connect(url.replace("+psycopg", "")) as connection:
        row = connection.execute(
            "SELECT count(*) FROM answer_event WHERE author = %s", (AUTHOR,)
        ).fetchone()
    recorded = int(row[0]) if row else 0
    print(
        f"autosave : {acknowledged} sauvegardes acquittées, {recorded} enregistrées dans "
        f"l'historique (dont celles en vol à l'arrêt, au plus {connections})"
    )
    if recorded < acknowledged:
        return [f"autosave : {acknowledged - recorded} sauvegardes acquittées perdues"]
    if recorded > acknowledged + connections:
        return [f"autosave : {recorded - acknowledged} enregistrées de plus que les acquittées"]
    return []
