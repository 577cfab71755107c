"""Every service's workloads under wrk, each beside the service's `/health` (see harness.py).

    .venv/bin/python bench/run.py [--seconds 10] [--service survey ...] [--workload autosave]
                                  [--quick]

For each service: throw-away databases on 127.0.0.1:5432, generated data at the scale the docs
name, the service under uvicorn (its production worker count), then for each workload `/health`
and the workload with the same connections for `--seconds`, after a 2 s warm-up. Prints one
Markdown table (requests/s, p50, p95, p99, errors, `/health` and the ratio, the goal and whether
it is met), then the cross-workload goals and the checks on the data. Exits 1 when a check
fails (an acknowledged write lost, errors); a goal missed is printed, not fatal, unless
`--strict`. `--quick`: 2 s per workload after 1 s of warm-up, a tenth of the data (a smoke test).
"""

from __future__ import annotations

import argparse
import importlib
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import harness

SERVICES = ("survey", "auditions", "catalogue")


def bench_service(
    module: ModuleType, args: argparse.Namespace, seconds: float, warm_up: float
) -> tuple[list[str], list[str], list[str]]:
    """Run one service's workloads; returns its table rows, goals missed and failures."""
    service = module.SERVICE
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-wrk-")))
        url = stack.enter_context(harness.throwaway_database(service))
        accounts_url = stack.enter_context(harness.throwaway_database("accounts"))
        started = time.perf_counter()
        harness.migrate(service, url)
        harness.add_staff(accounts_url)
        data = module.load(url, quick=args.quick)
        harness.analyse(url)
        print(f"{service} : données chargées en {time.perf_counter() - started:.0f} s", flush=True)
        env = harness.service_env(service, url, accounts_url, folder)
        bases = {"service": stack.enter_context(
            harness.uvicorn(f"services.{service}.app:create_app", env, folder)
        )}  # fmt: skip
        for name, factory in module.references().items():
            bases[name] = stack.enter_context(
                harness.uvicorn(factory, {"NAIVE_DATABASE_URL": url}, folder)
            )
        token = harness.staff_token(bases["service"])
        chosen = [
            w
            for w in module.workloads(data, folder, token)
            if not args.workload or any(part in w.name for part in args.workload)
        ]
        measured = []
        for workload in chosen:
            measured.append(harness.measure(bases, workload, seconds, warm_up))
            print("mesuré :", harness.row(service, measured[-1]), flush=True)
        rows = [harness.row(service, m) for m in measured]
        missed = harness.missed(measured)
        for text, met in module.compare(measured):
            print(f"{service} : {text} {'✓' if met else '✗'}")
            if not met:
                missed.append(text)
        failures = module.check(data, url, measured)
        failures += [
            f"{m.workload.name} : {m.result.errors} erreurs" for m in measured if m.result.errors
        ]
    return rows, missed, failures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--service", action="append", choices=SERVICES)
    parser.add_argument(
        "--workload", action="append", help="only the workloads whose name contains this"
    )
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    args = parser.parse_args()
    harness.ensure_wrk()
    seconds, warm_up = (2.0, 1.0) if args.quick else (args.seconds, 2.0)
    print(
        f"banc wrk du {datetime.now(UTC):%Y-%m-%d %H:%M} UTC : {seconds:g} s par mesure, "
        f"{harness.workers()} worker(s) uvicorn, PostgreSQL"
        f"{' (mode rapide : un dixième des données)' if args.quick else ''}",
        flush=True,
    )
    rows, missed, failures = [], [], []
    for service in args.service or SERVICES:
        module = importlib.import_module(f"wrk_{service}")
        got = bench_service(module, args, seconds, warm_up)
        rows += got[0]
        missed += got[1]
        failures += got[2]
    print("\n" + harness.HEADER)
    print("| " + " | ".join(["---"] * 13) + " |")
    print("\n".join(rows))
    if missed:
        print("\nobjectifs manqués :\n  " + "\n  ".join(missed))
    if failures:
        print("\néchecs :\n  " + "\n  ".join(failures))
    if failures or (missed and args.strict):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
