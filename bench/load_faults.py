"""Load with faults: the three services under mixed load on PostgreSQL, then with PostgreSQL
restarted in the middle.

    .venv/bin/python bench/load_faults.py [--clients 64] [--seconds 60] [--restart both|no|yes]
                                          [--outage 3] [--stop-mode immediate|fast]

A private PostgreSQL cluster (initdb in a temporary folder, a free port: the shared server is
never touched) holds the four databases, migrated and seeded by `iat-admin`; the three services
run under uvicorn (one worker each). The clients (httpx, asynchronous) are a quarter each
visitors searching the catalogue, contributors correcting their fiche through its edit link,
agents whose survey page autosaves, and an organiser's tabs moving hearings. With a restart,
the cluster is stopped at 40 % of the run (`pg_ctl stop -m immediate` by default: a crash,
recovered from the WAL), left down `--outage` seconds, and started again.

Checks, exit status 1 when one fails:
- no 5xx and no request left without an answer, except from the stop of the database to
  5 s after its return, where only 503 problem+json with Retry-After is allowed;
- no other error than 412 after an uncertain write (the client reads the version again);
- each service answers a request with a 2xx within 5 s of the database's return;
- every write acknowledged by a 2xx is read back: the last one of each thing written (or a
  later write whose answer was lost in the outage) at the end, every survey save in its
  response's history, and no read during the run older than the last acknowledged write.
Printed: throughput, p50/p99 overall and per kind of request, writes checked, errors, recovery.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
from load_clients import (
    Deadline,
    Recorder,
    answer_key,
    fiche_editor,
    movable_hearings,
    placement_of,
    respondent,
    scheduler,
    searcher,
)
from load_report import (
    RECOVERY_LIMIT,
    Outage,
    Verdict,
    centile,
    judge,
    print_figures,
    print_verdict,
    recovery,
    throughput,
)
from load_setup import SERVICES, STAFF, STAFF_PASSWORD, Stage, stage

RESTART_AT = 0.4  # share of the run before the database stops
KINDS_OF_CLIENT = 4


async def staff_client(base: str, limits: httpx.Limits) -> httpx.AsyncClient:
    """A client signed in as the run's organiser and analyst."""
    client = httpx.AsyncClient(base_url=base, timeout=30, limits=limits)
    signed = await client.post("/auth/token", data={"username": STAFF, "password": STAFF_PASSWORD})
    client.headers["Authorization"] = f"Bearer {signed.raise_for_status().json()['access_token']}"
    return client


async def busiest_event(client: httpx.AsyncClient) -> int:
    events = (await client.get("/manage/events")).raise_for_status().json()
    counts: dict[int, int] = {
        e["id"]: len((await movable_hearings(client, e["id"]))[0]) for e in events
    }
    return max(counts, key=lambda event_id: counts[event_id])


async def load(
    system: Stage, *, clients: int, seconds: float, run: str, restart: argparse.Namespace | None
) -> tuple[Recorder, Outage | None]:
    rec = Recorder()
    # Idle connections closed by the client before uvicorn closes them (after 5 s): otherwise a
    # request sent at that very moment meets a closed connection.
    limits = httpx.Limits(
        max_connections=clients, max_keepalive_connections=clients, keepalive_expiry=2.0
    )
    catalogue = httpx.AsyncClient(base_url=system.urls["catalogue"], timeout=30, limits=limits)
    survey = httpx.AsyncClient(base_url=system.urls["survey"], timeout=30, limits=limits)
    auditions = await staff_client(system.urls["auditions"], limits)
    event_id = await busiest_event(auditions)
    hearings, slots = await movable_hearings(auditions, event_id)
    stop = Deadline(time.monotonic() + seconds)
    tasks = []
    for number in range(clients):
        nth = number // KINDS_OF_CLIENT
        match number % KINDS_OF_CLIENT:
            case 0:
                tasks.append(searcher(rec, catalogue, stop, number))
            case 1:
                fiche_id, token = system.edit_links[nth % len(system.edit_links)]
                tasks.append(fiche_editor(rec, catalogue, stop, fiche_id, token, run))
            case 2:
                link = system.survey_links[nth % len(system.survey_links)]
                tasks.append(respondent(rec, survey, stop, link, number))
            case _:
                tasks.append(
                    scheduler(rec, auditions, stop, hearings[nth % len(hearings)], slots, number)
                )
    outage: list[Outage] = []
    if restart is not None:
        tasks.append(fault(system, seconds, restart, outage, stop))
    try:
        await asyncio.gather(*tasks)
    finally:
        for client in (catalogue, survey, auditions):
            await client.aclose()
    return rec, (outage[0] if outage else None)


async def fault(
    system: Stage, seconds: float, args: argparse.Namespace, out: list[Outage], stop: Deadline
) -> None:
    await asyncio.sleep(seconds * RESTART_AT)
    stop.held = True
    down = time.monotonic()
    await asyncio.to_thread(system.cluster.stop, args.stop_mode)
    stopped = time.monotonic()
    await asyncio.sleep(args.outage)
    restarting = time.monotonic()
    await asyncio.to_thread(system.cluster.start)
    back = time.monotonic()
    out.append(Outage(down, stopped, restarting, back))
    stop.at, stop.held = max(stop.at, back + RECOVERY_LIMIT + 1), False


async def read_back(system: Stage, rec: Recorder) -> tuple[list[str], int]:
    """The acknowledged writes not found at the end, and how many writes were checked.

    Each fiche and hearing must hold its last acknowledged write (or a later uncertain one);
    each survey answer must hold its last one, and every acknowledged save must be in the
    response's history of changes, where nothing is overwritten.
    """
    ledger = rec.ledger
    stored: dict[str, object] = {}
    async with httpx.AsyncClient(base_url=system.urls["catalogue"], timeout=30) as client:
        for fiche_id, token in system.edit_links:
            response = await client.get(
                "/edit-link", headers={"Authorization": f"PrivateLink {token}"}
            )
            stored[f"fiche {fiche_id}"] = response.raise_for_status().json()["draft"].get("summary")
    history: set[tuple[str, int, str]] = set()
    survey = await staff_client(system.urls["survey"], httpx.Limits())
    try:
        for invitation_id, token in system.survey_links:
            response = await survey.get(
                "/answering", headers={"Authorization": f"PrivateLink {token}"}
            )
            for key, answer in response.raise_for_status().json()["answers"].items():
                stored[answer_key(invitation_id, key)] = answer["value"]
            changes = await survey.get(f"/invitations/{invitation_id}/history")
            history |= {
                (answer_key(invitation_id, c["key"]), c["revision"], repr(c["value"]))
                for c in changes.raise_for_status().json()
            }
    finally:
        await survey.aclose()
    auditions = await staff_client(system.urls["auditions"], httpx.Limits())
    try:
        event_id = await busiest_event(auditions)
        for key in [key for key in ledger.acked if key.startswith("audition ")]:
            path = f"/events/{event_id}/hearings/{key.split()[1]}"
            body = (await auditions.get(path)).raise_for_status().json()["hearing"]
            stored[key] = placement_of(body)
    finally:
        await auditions.aclose()
    lost = [f"{key} : valeur finale" for key in ledger.acked if ledger.lost(key, stored.get(key))]
    saves = [
        (key, order, value) for key, order, value in ledger.every_ack if key.startswith("réponse")
    ]
    lost += [
        f"{key} : révision {order} absente de l'historique"
        for key, order, value in saves
        if (key, order, repr(value)) not in history
    ]
    return lost + ledger.undone, len(ledger.acked) + len(saves)


def one_run(
    system: Stage, args: argparse.Namespace, *, restart: bool, reference: float
) -> list[str]:
    title = f"{args.clients} clients, {args.seconds:.0f} s, " + (
        f"PostgreSQL redémarré (arrêt {args.stop_mode}, {args.outage:.0f} s)"
        if restart
        else "sans panne"
    )
    run = "avec panne" if restart else "sans panne"
    rec, outage = asyncio.run(
        load(system, clients=args.clients, seconds=args.seconds, run=run,
             restart=args if restart else None)
    )  # fmt: skip
    lost, checked = asyncio.run(read_back(system, rec))
    errors, unavailable, conflicts = judge(rec.samples, outage)
    verdict = Verdict(errors, unavailable, conflicts, recovery(rec.samples, outage), checked, lost)
    print_figures(title, rec, outage)
    print(f"débit rapporté à celui de GET /health : {throughput(rec) / reference:.3f}")
    print_verdict(verdict, rec.ledger)
    return [f"{run} : {failure}" for failure in verdict.failures()]


async def health_reference(system: Stage, clients: int, seconds: float) -> Recorder:
    """`GET /health` of the three services from as many clients, in the same run: what this
    machine (and its other tenants) leaves for requests that touch no database."""
    rec = Recorder()
    stop = Deadline(time.monotonic() + seconds)
    limits = httpx.Limits(max_connections=clients, keepalive_expiry=2.0)
    async with contextlib.AsyncExitStack() as stack:
        http = {
            name: await stack.enter_async_context(
                httpx.AsyncClient(base_url=url, timeout=30, limits=limits)
            )
            for name, url in system.urls.items()
        }

        async def caller(name: str) -> None:
            while not stop.passed():
                await rec.call(http[name], name, "GET /health (référence)", "GET", "/health")

        await asyncio.gather(*(caller(SERVICES[n % len(SERVICES)]) for n in range(clients)))
    return rec


def notable(log: str) -> str:
    """A service's log without its 2xx request lines, so that failures stand out."""
    ordinary = re.compile(r"services\.requests: \S+ \S+ [23]\d\d$")
    return "\n".join(line for line in log.splitlines() if not ordinary.search(line))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument(
        "--restart",
        choices=["both", "no", "yes"],
        default="both",
        help="both: une charge sans panne puis une avec redémarrage (défaut)",
    )
    parser.add_argument("--outage", type=float, default=3.0, help="secondes base arrêtée")
    parser.add_argument("--stop-mode", choices=["immediate", "fast"], default="immediate")
    args = parser.parse_args()
    if args.clients < KINDS_OF_CLIENT:
        parser.error(f"--clients doit valoir au moins {KINDS_OF_CLIENT}")
    restarts = {"both": [False, True], "no": [False], "yes": [True]}[args.restart]
    with tempfile.TemporaryDirectory(prefix="load-faults-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        with stage(
            folder, writers=(args.clients + KINDS_OF_CLIENT - 1) // KINDS_OF_CLIENT
        ) as system:
            print(f"système prêt en {time.perf_counter() - started:.1f} s : {system.urls}")
            health = asyncio.run(health_reference(system, args.clients, min(args.seconds, 5.0)))
            ms = [sample.ms for sample in health.samples]
            print(
                f"référence GET /health ({args.clients} clients) : {throughput(health):.1f} req/s, "
                f"p50 {statistics.median(ms):.1f} ms, p99 {centile(ms, 99):.1f} ms"
            )
            failures = [
                failure
                for restart in restarts
                for failure in one_run(system, args, restart=restart, reference=throughput(health))
            ]
        if failures:
            for name in SERVICES:
                print(f"\n--- journal de {name} (hors requêtes réussies) ---")
                print(notable((folder / f"{name}.log").read_text(errors="replace"))[-4000:])
    if failures:
        print("\nobjectifs manqués :\n  " + "\n  ".join(failures))
        sys.exit(1)
    print("\nobjectifs atteints")


if __name__ == "__main__":
    main()
