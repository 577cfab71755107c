"""Helpers of the solver tests: start a run, wait for its end, check a plan independently."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient

# A deadline against a stuck worker, not a speed target (speed is in bench/bench_solver.py).
WAIT_SECONDS = 60


def start_run(
    client: TestClient, organiser: dict[str, str], event_id: int, **body: Any
) -> dict[str, Any]:
    payload = {"time_limit_seconds": 3, "random_seed": 1, **body}
    response = client.post(f"/events/{event_id}/solver-runs", headers=organiser, json=payload)
    assert response.status_code == 202, response.text
    run: dict[str, Any] = response.json()
    return run


def wait_for(
    client: TestClient, organiser: dict[str, str], event_id: int, run_id: int
) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        response = client.get(f"/events/{event_id}/solver-runs/{run_id}", headers=organiser)
        assert response.status_code == 200, response.text
        run: dict[str, Any] = response.json()
        if run["status"] in ("done", "failed"):
            return run
        assert time.monotonic() < deadline, f"run still {run['status']}"
        time.sleep(0.1)


def solved(
    client: TestClient, organiser: dict[str, str], event_id: int, **body: Any
) -> dict[str, Any]:
    run = start_run(client, organiser, event_id, **body)
    return wait_for(client, organiser, event_id, run["id"])


def hard_warnings(client: TestClient, organiser: dict[str, str], event_id: int) -> list[Any]:
    """The draft's hard warnings, as the warnings code (conflicts.py) computes them."""
    response = client.get(f"/events/{event_id}/warnings", headers=organiser)
    assert response.status_code == 200, response.text
    return [w for w in response.json() if w["severity"] == "hard"]
