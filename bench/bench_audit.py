"""Benchmark of the audit before publication (`observatory.audit`) on 12,000 responses.

    .venv/bin/python bench/bench_audit.py [--questions N]

The campaign of bench_observatory.py (the whole frame, 12,000 submitted responses of
bench_survey's 60 questions), counted in memory as the kept tallies would hold it (no
database: the audit reads only the counts). Prints the time of the results' suppression
without the audit (what the request path runs), then with it, the primary cells audited, how
many the attack pinned before the audit's own suppression and after, and the cells hidden.
The audit is not on the request path: it takes longer than the 2 s goal of cold results.
"""

from __future__ import annotations

# ruff: noqa: S311 - seeded pseudo-random data, not secrets
import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_survey import QUESTIONS, definition, value_for

from services.survey.campaigns import target_population
from services.survey.observatory import audit, results, tallies
from services.survey.observatory.frame import Class, class_of
from services.survey.observatory.units import units_of
from services.survey.questionnaires.store import parse

RESPONSES = 12_000


def prepared(questions: int) -> results.Prepared:
    parsed = parse(definition())
    units, skipped = units_of(parsed)
    keep = {f"q{number:02d}" for number in range(1, questions + 1)}
    units = [unit for unit in units if unit.question in keep]
    frame = list(target_population(None))
    rng = random.Random(5)
    answering = rng.sample(range(len(frame)), RESPONSES)
    respondents: Counter[Class] = Counter()
    coded: Counter[tuple[Class, str, str]] = Counter()
    numbers: Counter[tuple[Class, str, str]] = Counter()
    kinds = {unit.question: unit.shape for unit in units}
    for number in answering:
        cls = class_of(frame[number])
        respondents[cls] += 1
        for question in range(1, QUESTIONS + 1):
            key = f"q{question:02d}"
            if key not in kinds:
                continue
            value = tallies.canonical(value_for(question, rng))
            (numbers if kinds[key] == "numeric" else coded)[(cls, key, value)] += 1
    counts = tallies.Tallies(
        dict(respondents),
        [(*key, n) for key, n in coded.items()],
        [(*key, n) for key, n in numbers.items()],
    )
    return results.prepare(counts, dict(Counter(class_of(t) for t in frame)), units, skipped)


def hidden(masks: results.Masks) -> int:
    return sum(int(mask.sum()) for tables in masks.values() for mask in tables.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--questions", type=int, default=QUESTIONS)
    arguments = parser.parse_args()
    data = prepared(arguments.questions)
    k = 5
    started = time.perf_counter()
    before = results.hidden_cells(data, k=k)
    plain = time.perf_counter() - started

    original = audit._hide_more
    audit._hide_more = lambda *_: []  # the attack alone, on what would be published
    attacked: list[audit.Finding] = []
    results.hidden_cells(data, k=k, protection=k, findings=attacked)
    audit._hide_more = original

    started = time.perf_counter()
    found: list[audit.Finding] = []
    after = results.hidden_cells(data, k=k, protection=k, findings=found)
    audited = time.perf_counter() - started
    print(f"responses {RESPONSES}, closed questions {len(data.units)}, k = protection = {k}")
    print(f"suppression without the audit: {plain:.2f} s, {hidden(before)} hidden cells")
    print(
        f"attack on that publication: {len(attacked)} primary cells, "
        f"{sum(f.low == f.high for f in attacked)} pinned exactly, "
        f"{sum(not f.protected for f in attacked)} short of the protection level"
    )
    print(
        f"with the audit: {audited:.2f} s, {hidden(after)} hidden cells, "
        f"{sum(not f.protected for f in found)} short of the protection level"
    )


if __name__ == "__main__":
    main()
