"""The hearings' workloads: the public agenda of an event of 150 hearings, as JSON and as the
iCalendar feed, and the organisers' warnings of its whole schedule.

Data: the event of bench_auditions.py (150 hearings, 8 days, 3 rooms and a video link, 15
members), placed and released, the scale docs/auditions.md names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from bench_auditions import prepare_event
from harness import Measured, Workload, p95_at_most, ratio_at_least

SERVICE = "auditions"


def load(url: str, *, quick: bool) -> int:
    return prepare_event(url)


def references() -> Mapping[str, str]:
    return {}


def workloads(event_id: int, folder: Path, token: str) -> list[Workload]:
    return [
        Workload(
            "agenda (150 hearings)",
            env={"BENCH_PATH": f"/events/{event_id}/agenda"},
            goals=(ratio_at_least(0.30),),
        ),
        Workload(
            "agenda.ics (150 hearings)",
            env={"BENCH_PATH": f"/events/{event_id}/agenda.ics"},
            goals=(ratio_at_least(0.30),),
        ),
        Workload(
            "warnings (150 hearings)",
            env={"BENCH_PATH": f"/events/{event_id}/warnings", "BENCH_TOKEN": token},
            connections=1,
            goals=(p95_at_most(50),),
        ),
    ]


def compare(measured: Sequence[Measured]) -> list[tuple[str, bool]]:
    return []


def check(event_id: int, url: str, measured: Sequence[Measured]) -> list[str]:
    return []
