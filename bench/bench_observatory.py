"""Benchmark of the observatory's results, on SQLite and PostgreSQL.

    .venv/bin/python bench/bench_observatory.py [--backend sqlite|postgresql|both] [--rounds 3]

For each backend: a fresh database with a campaign over the whole frame (the territories
reference), 12,000 submitted responses of 60 questions (720,000 answers, the questionnaire of
bench_survey.py: yes/no, single and multiple choices, integers and free text); then, in the same
process and run:

- the reference: a plain SQL aggregate of the same answers (count by question and value);
- the full results, cold: every closed question, national and the three breakdowns (kind,
  population band, région), weighted, with intervals, after disclosure control;
- the same served from the cache, and again after a new submission (which invalidates it).

Prints the figures and the ratio to the reference; exits non-zero when the cold results take
more than 2 s (the issue's target).
"""

from __future__ import annotations

# ruff: noqa: S311 - seeded pseudo-random data, not secrets
import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text
from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_survey import QUESTIONS, copy_answers, database, definition, migrate, value_for

from services.common.database import create_db_engine
from services.common.territories.search import get_index
from services.survey.answering import mark_submitted
from services.survey.campaigns import band_of, target_population
from services.survey.models import Campaign, Invitation, Questionnaire
from services.survey.observatory import publish, tallies
from services.survey.observatory.frame import freeze
from services.survey.questionnaires.store import parse, published

RESPONSES = 12_000
# Not bench_survey's key: both benches load side by side into one database.
KEY = "banc_observatoire"
TARGET_SECONDS = 2.0
REFERENCE = """SELECT a.key, CAST(a.value AS TEXT) AS v, count(*) FROM answer a
    JOIN invitation i ON i.id = a.invitation_id
    WHERE i.campaign_id = :campaign AND i.status = 'submitted' GROUP BY a.key, v"""


def load(url: str) -> int:
    """The campaign over the whole frame and its 12,000 submitted responses."""
    engine = create_db_engine(url)
    rng = random.Random(5)
    now = datetime.now(UTC)
    try:
        with Session(engine) as session:
            questionnaire = Questionnaire(
                key=KEY,
                version="1",
                title="Banc d'essai",
                definition=definition(KEY),
                status="published",
                published_at=now,
            )
            session.add(questionnaire)
            session.flush()
            campaign = Campaign(
                slug="banc-observatoire",
                title="Banc d'essai de l'observatoire",
                description="",
                published=True,
                opens_on=date.today() - timedelta(days=10),
                # Closed: results are published only after the close (no differencing).
                closes_on=date.today() - timedelta(days=1),
                questionnaire_id=questionnaire.id,
            )
            session.add(campaign)
            session.flush()
            assert campaign.id is not None
            campaign_id = campaign.id
            freeze(session.connection(), campaign_id, None)
            frame = list(target_population(None))
            answering = set(rng.sample(range(len(frame)), RESPONSES))
            session.connection().execute(
                insert(Invitation),
                [
                    {
                        "campaign_id": campaign_id,
                        "code": territory.code,
                        "kind": territory.kind,
                        "name": territory.name,
                        "population": territory.population,
                        "band": band_of(territory.population),
                        "region": territory.region,
                        "departement": territory.departement,
                        "status": "submitted" if number in answering else "sent",
                        "revision": 1,
                        "reminders_sent": 0,
                        "created_at": now,
                        "updated_at": now,
                        "submitted_at": now if number in answering else None,
                    }
                    for number, territory in enumerate(frame)
                ],
            )
            session.commit()
            ids = [
                row[0]
                for row in session.connection().execute(
                    text(
                        "SELECT id FROM invitation WHERE campaign_id = :campaign"
                        " AND status = 'submitted' ORDER BY id"
                    ),
                    {"campaign": campaign_id},
                )
            ]
        answers = (
            (
                invitation_id,
                f"q{number:02d}",
                json.dumps(value_for(number, rng), ensure_ascii=False),
                1,
                "import",
                now,
            )
            for invitation_id in ids
            for number in range(1, QUESTIONS + 1)
        )
        copy_answers(engine, answers)
        # A bulk load bypasses the writes that keep the counts: recount once, as after an import.
        with Session(engine) as session:
            tallies.rebuild(session.connection(), campaign_id, parse(definition(KEY)))
            session.commit()
        if engine.dialect.name == "postgresql":
            with engine.connect() as connection:
                connection.exec_driver_sql("ANALYZE")
                connection.commit()
    finally:
        engine.dispose()
    return campaign_id


def timed(work: Any, rounds: int) -> tuple[list[float], Any]:
    samples, value = [], None
    for _ in range(rounds):
        started = time.perf_counter()
        value = work()
        samples.append(time.perf_counter() - started)
    return samples, value


def run(backend: str, rounds: int) -> list[str]:
    print(f"\n=== {backend} ===")
    get_index()  # the territories reference, read once per process as in the service
    publish.warm_up()  # NumPy and SciPy, loaded once the service has started
    with (
        tempfile.TemporaryDirectory(prefix="bench-obs-") as tmp,
        database(backend, Path(tmp)) as url,
    ):
        started = time.perf_counter()
        migrate("survey", url)
        campaign_id = load(url)
        print(
            f"données : {RESPONSES} réponses envoyées × {QUESTIONS} questions "
            f"({RESPONSES * QUESTIONS} réponses aux questions) en {time.perf_counter() - started:.1f} s"
        )
        engine = create_db_engine(url)
        with Session(engine) as session:
            campaign = session.get(Campaign, campaign_id)
            assert campaign is not None
            assert campaign.questionnaire_id is not None
            connection = session.connection()
            parsed = published(connection, campaign.questionnaire_id)
            reference, groups = timed(
                lambda: connection.execute(text(REFERENCE), {"campaign": campaign_id}).all(),
                rounds,
            )

            def cold() -> publish.Computed:
                publish.clear()
                value = publish.computed(connection, campaign, parsed)
                for name in ("national", "kind", "band", "region"):
                    value.breakdown(name)
                return value

            full, computed = timed(cold, rounds)
            cached, _ = timed(
                lambda: publish.results_for(connection, campaign, parsed, "region"), rounds * 10
            )
            # A new submission, as the service records it (counts included): the next request
            # recomputes.
            tallies.follow_answering()
            mark_submitted(connection, select_one_sent(connection, campaign_id), parsed)
            after, _ = timed(lambda: publish.results_for(connection, campaign, parsed, "region"), 1)
            session.rollback()
        engine.dispose()
    cells = sum(
        len(question["cells"])
        for result in computed.breakdowns.values()
        for question in result["questions"]
    )
    hidden = sum(
        cell["suppressed"]
        for result in computed.breakdowns.values()
        for question in result["questions"]
        for cell in question["cells"]
    )
    ref, cold_median = statistics.median(reference), statistics.median(full)
    print(f"agrégat SQL simple (référence) : médiane {ref * 1000:7.1f} ms  ({len(groups)} groupes)")
    print(
        f"résultats complets, à froid      : médiane {cold_median * 1000:7.1f} ms  "
        f"(min {min(full) * 1000:.1f}, max {max(full) * 1000:.1f}; {len(computed.breakdowns)} ventilations, "
        f"{cells} cellules dont {hidden} masquées)"
    )
    print(f"ratio résultats / référence      : {cold_median / ref:5.2f}×")
    print(f"depuis le cache                  : médiane {statistics.median(cached) * 1000:7.3f} ms")
    print(f"après un nouvel envoi (recalcul) : {after[0] * 1000:7.1f} ms")
    if cold_median > TARGET_SECONDS:
        return [f"{backend} : résultats complets en {cold_median:.2f} s > {TARGET_SECONDS:.0f} s"]
    return []


def select_one_sent(connection: Any, campaign_id: int) -> int:
    return int(
        connection.execute(
            text("SELECT min(id) FROM invitation WHERE campaign_id = :c AND status = 'sent'"),
            {"c": campaign_id},
        ).scalar_one()
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    missed = [miss for backend in backends for miss in run(backend, args.rounds)]
    if missed:
        print("\nobjectif manqué :\n  " + "\n  ".join(missed))
        raise SystemExit(1)
    print("\nobjectif atteint")


if __name__ == "__main__":
    main()
