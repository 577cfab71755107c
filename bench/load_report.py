"""The verdict and the figures of a load run: errors inside and outside the outage, recovery
times, throughput, p50/p99 per kind of request."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass

from load_clients import Ledger, Recorder, Sample
from load_setup import SERVICES

RECOVERY_LIMIT = 5.0


@dataclass(frozen=True)
class Outage:
    down: float  # monotonic time the stop began
    stopped: float  # the server had stopped
    restarting: float  # the start began
    back: float  # monotonic time the server accepted connections again


@dataclass
class Verdict:
    errors: Counter[str]
    unavailable: int  # 503 problem+json inside the outage window
    conflicts: int
    recovery: dict[str, float | None]
    checked: int
    lost: list[str]

    def failures(self) -> list[str]:
        found = [f"{count} × {what}" for what, count in self.errors.items()]
        found += [f"écriture acquittée perdue : {what}" for what in self.lost]
        found += [
            f"{name} : pas de réponse 2xx dans les {RECOVERY_LIMIT:.0f} s du retour de la base"
            for name, seconds in self.recovery.items()
            if seconds is None or seconds > RECOVERY_LIMIT
        ]
        return found


def judge(samples: list[Sample], outage: Outage | None) -> tuple[Counter[str], int, int]:
    """Errors by description, 503s allowed in the outage window, 412s."""
    errors: Counter[str] = Counter()
    unavailable = conflicts = 0
    for sample in samples:
        status = sample.status
        if status is not None and status < 400:
            continue
        inside = outage is not None and (
            sample.ended >= outage.down and sample.started <= outage.back + RECOVERY_LIMIT
        )
        if status == 412:
            conflicts += 1
        elif status == 503 and inside and sample.unavailable_problem:
            unavailable += 1
        else:
            where = "pendant la panne" if inside else "hors panne"
            answer = status or f"sans réponse, {sample.failure} après {sample.ms / 1000:.0f} s"
            errors[f"{sample.kind} → {answer} ({where})"] += 1
    return errors, unavailable, conflicts


def recovery(samples: list[Sample], outage: Outage | None) -> dict[str, float | None]:
    if outage is None:
        return {}
    firsts: dict[str, float | None] = dict.fromkeys(SERVICES)
    for s in samples:
        if s.started >= outage.back and s.status is not None and 200 <= s.status < 300:
            seconds = s.ended - outage.back
            current = firsts[s.service]
            firsts[s.service] = seconds if current is None else min(current, seconds)
    return firsts


def centile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) >= 2 else values[0]


def print_figures(title: str, rec: Recorder, outage: Outage | None) -> None:
    samples = rec.samples
    start = min(s.started for s in samples)
    seconds = max(s.ended for s in samples) - start
    print(f"\n=== {title} ===")
    print(f"{'requêtes':26} {'nombre':>7} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8}")
    groups = {"toutes": samples} | {
        kind: [s for s in samples if s.kind == kind] for kind in sorted({s.kind for s in samples})
    }
    for kind, group in groups.items():
        ms = [s.ms for s in group]
        print(
            f"{kind:26} {len(group):7d} {len(group) / seconds:7.1f} "
            f"{statistics.median(ms):8.1f} {centile(ms, 99):8.1f}"
        )
    print(f"durée de la charge : {seconds:.1f} s")
    if outage is not None:
        print(
            f"panne : base arrêtée à {outage.down - start:.1f} s, de retour à "
            f"{outage.back - start:.1f} s ({outage.back - outage.down:.1f} s d'indisponibilité ; "
            f"pg_ctl stop {outage.stopped - outage.down:.1f} s, "
            f"pg_ctl start {outage.back - outage.restarting:.1f} s)"
        )


def print_verdict(verdict: Verdict, ledger: Ledger) -> None:
    unsure = sum(len(values) for values in ledger.uncertain.values())
    print(
        f"écritures : {len(ledger.every_ack)} acquittées ({unsure} incertaines), "
        f"{verdict.checked} relues, {len(verdict.lost)} perdues"
    )
    print(
        f"réponses 503 problem+json pendant la panne : {verdict.unavailable} ; "
        f"412 après une écriture incertaine : {verdict.conflicts}"
    )
    if verdict.recovery:
        print(
            "reprise après le retour de la base : "
            + ", ".join(
                f"{name} {'jamais' if s is None else f'{s:.2f} s'}"
                for name, s in verdict.recovery.items()
            )
        )
    errors = sum(verdict.errors.values())
    print(f"erreurs : {errors}")
    for what, count in verdict.errors.most_common():
        print(f"  {count} × {what}")


def throughput(rec: Recorder) -> float:
    return len(rec.samples) / (
        max(s.ended for s in rec.samples) - min(s.started for s in rec.samples)
    )
