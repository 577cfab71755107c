"""The wrk benchmark harness (bench/run.py, docs/benchmarks.md), run briefly as a smoke test:
one workload for 2 s against the real service on a throw-away PostgreSQL database, and the
printed table read back as a reader of the docs would read it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from harness import POSTGRES_ADMIN_URL, parse_table, parse_wrk  # noqa: E402


def _required() -> bool:
    return os.environ.get("REQUIRE_POSTGRES", "") not in ("", "0", "false")


def _unavailable() -> str | None:
    # CI (.ci/run) installs wrk and sets REQUIRE_POSTGRES: there this test never skips.
    if shutil.which("wrk") is None:
        return "wrk absent (apt-get install -y wrk, comme le fait `make bench`)"
    try:
        psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3).close()
    except psycopg.OperationalError as error:
        return f"PostgreSQL ne répond pas : {error}"
    return None


def test_wrk_line_is_read_as_figures() -> None:
    line = (
        "Running 2s test\nBENCH requests=1500 duration_us=2000000 p50_us=12500 p95_us=30000 "
        "p99_us=41000 errors=3 acknowledged=1497 socket=2\n"
    )
    result = parse_wrk(line)
    assert result.rate == 750
    assert (result.p50_ms, result.p95_ms, result.p99_ms) == (12.5, 30.0, 41.0)
    assert result.errors == 5  # answers not 2xx/3xx and socket errors
    assert result.acknowledged == 1497
    with pytest.raises(ValueError, match="BENCH"):
        parse_wrk("unable to connect to 127.0.0.1:1 Connection refused\n")


@pytest.mark.postgres
def test_one_workload_runs_beside_health_and_prints_its_row() -> None:
    problem = _unavailable()
    if problem is not None:
        if _required():
            pytest.fail(f"REQUIRE_POSTGRES=1 mais {problem}")
        pytest.skip(problem)
    done = subprocess.run(
        [sys.executable, "bench/run.py", "--quick", "--service", "auditions",
         "--workload", "agenda (150"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    rows = parse_table(done.stdout)
    assert [(r["service"], r["workload"]) for r in rows] == [("auditions", "agenda (150 hearings)")]
    row = rows[0]
    assert row["connections"] == "32"
    assert int(row["rate"]) > 0
    assert int(row["health"]) > 0
    assert row["errors"] == "0"
    assert float(row["p50"]) <= float(row["p95"]) <= float(row["p99"])
    assert float(row["cpu_ms"]) > 0
    assert abs(float(row["ratio"]) - int(row["rate"]) / int(row["health"])) < 0.02
    assert "≥ 30 % de /health" in row["goal"]
