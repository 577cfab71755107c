"""Benchmark of hostile uploads (issue 17, class 3): memory and time of the worst XLSForms.

    PYTHONPATH=. .venv/bin/python bench/bench_uploads.py

Each upload goes to `POST /questionnaires/xlsform` of the real survey service (SQLite, an
analyst signed in), in a fresh process that first uploads a normal XLSForm (so imports and
caches are warm). Measured for the upload alone: the CPU time of the process (all its threads) and the wall
time of the answer, the peak of
Python allocations above what was held before (tracemalloc), and the growth of the process's
resident memory high-water mark (getrusage). Beside the normal upload: the largest workbook the
checks accept, a 600 MB cell under 1 MB (and the same with a directory that lies about its
size), a billion laughs, an external entity, thousands of entries, a sheet that claims the
whole grid or a cell on its last row, a cell longer than a spreadsheet holds.
Targets: every answer in under 1 s of CPU (the wall time, printed beside it, also counts
what other processes of a loaded machine take), peak memory growth under 100 MB. Exits
non-zero when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from alembic import command  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from pydantic import SecretStr  # noqa: E402
from sqlmodel import Session  # noqa: E402

from services.cli import alembic_config  # noqa: E402
from services.common.auth import accounts  # noqa: E402
from services.common.database import create_db_engine  # noqa: E402
from services.common.settings import AuthSettings  # noqa: E402
from services.survey.app import create_app  # noqa: E402
from services.survey.settings import SurveySettings  # noqa: E402
from tests.common import hostile_xlsx  # noqa: E402

TIME_TARGET_S = 1.0
MEMORY_TARGET_MB = 100.0
PASSWORD = "un-mot-de-passe-de-mesure"  # noqa: S105 (an account of a throw-away database)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

CASES: dict[str, Callable[[], bytes]] = {
    "XLSForm normal": hostile_xlsx.normal_xlsform,
    "le plus gros admis": hostile_xlsx.largest_accepted,
    **{name: build for name, (build, _) in hostile_xlsx.HOSTILE.items()},
}


def service(folder: Path) -> tuple[TestClient, dict[str, str]]:
    urls = {name: f"sqlite:///{folder / name}.db" for name in ("survey", "accounts")}
    for name, url in urls.items():
        config = alembic_config(name, database_url=url)
        config.attributes["configure_logging"] = False
        command.upgrade(config, "head")
    engine = create_db_engine(urls["accounts"], pool_size=1)
    with Session(engine) as session:
        accounts.create_staff(
            session, email="a@example.org", name="A", password=PASSWORD, roles=["analyst"]
        )
        session.commit()
    engine.dispose()
    settings = SurveySettings(
        database_url=urls["survey"],
        auth=AuthSettings(database_url=urls["accounts"], secret_key=SecretStr("b" * 40)),
        log_level="WARNING",
    )
    client = TestClient(create_app(settings))
    client.__enter__()
    token = client.post("/auth/token", data={"username": "a@example.org", "password": PASSWORD})
    return client, {"Authorization": f"Bearer {token.json()['access_token']}"}


def upload(client: TestClient, headers: dict[str, str], data: bytes) -> Any:
    return client.post(
        "/questionnaires/xlsform",
        headers=headers,
        files={"file": ("formulaire.xlsx", data, XLSX)},
    )


def measure(case: str) -> dict[str, Any]:
    """One upload in this process, after a warm-up: its answer, time and memory.

    Timed once as is, then sent again under tracemalloc (which slows every allocation down)
    for the peak of memory; the normal upload is renamed the second time, a new version."""
    build = CASES[case]
    data = build()
    with tempfile.TemporaryDirectory() as folder:
        client, headers = service(Path(folder))
        warm = upload(client, headers, hostile_xlsx.normal_xlsform("echauffement"))
        assert warm.status_code == 201, warm.text
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started, cpu_started = time.perf_counter(), time.process_time()
        response = upload(client, headers, data)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        again = hostile_xlsx.normal_xlsform("encore") if case == "XLSForm normal" else data
        tracemalloc.start()
        held, _ = tracemalloc.get_traced_memory()
        upload(client, headers, again)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        client.__exit__(None, None, None)
    body = response.json()
    errors = body.get("errors") or [{}]
    return {
        "case": case,
        "bytes": len(data),
        "status": response.status_code,
        "problem": str(errors[0].get("type", "")) if response.status_code >= 400 else "",
        "seconds": elapsed,
        "cpu_seconds": cpu,
        "peak_mb": (peak - held) / 1e6,
        "rss_growth_mb": (rss_after - rss_before) / 1024,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--case", help="mesure un seul cas, dans ce processus (JSON)")
    arguments = parser.parse_args()
    if arguments.case:
        print(json.dumps(measure(arguments.case)))
        return 0
    missed = 0
    print(f"charge de la machine : {os.getloadavg()[0]:.1f} sur {os.cpu_count()} cœurs")
    print(
        f"{'envoi':24} {'octets':>8} {'statut':>6} {'CPU':>8} {'réel':>8} "
        f"{'pic Py':>9} {'RSS +':>8}  problème"
    )
    for case in CASES:
        run = subprocess.run(
            [sys.executable, __file__, "--case", case],
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(run.stdout.strip().splitlines()[-1])
        worst = max(result["peak_mb"], result["rss_growth_mb"])
        ok = result["cpu_seconds"] < TIME_TARGET_S and worst < MEMORY_TARGET_MB
        missed += not ok
        print(
            f"{case:24} {result['bytes']:>8} {result['status']:>6} "
            f"{result['cpu_seconds'] * 1000:>5.0f} ms {result['seconds'] * 1000:>5.0f} ms "
            f"{result['peak_mb']:>6.1f} Mo {result['rss_growth_mb']:>5.1f} Mo  "
            f"{result['problem']}{'' if ok else '  <- manqué'}"
        )
    print(
        f"cibles : moins de {TIME_TARGET_S:.0f} s de CPU et de {MEMORY_TARGET_MB:.0f} Mo par envoi "
        "(le temps réel dépend aussi de la charge de la machine)"
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
