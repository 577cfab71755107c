"""Generated responses for the demo campaign, so that the observatory looks like a real one.

Seeded pseudo-random and deterministic: the same demo at every `make up`. Larger authorities
answer more often and use AI more often, as in the real surveys, so weighting visibly matters.
Answers follow the questionnaire's relevance rules; a few free texts show that they are never
published. Bulk Core inserts keep the whole seeding well under a second.
"""

from __future__ import annotations

# ruff: noqa: S311 - seeded pseudo-random demo data, not secrets
import json
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Connection, insert, select
from sqlmodel import Session

from services.survey.campaigns import band_of, target_population
from services.survey.definition import DONT_KNOW, codes_of
from services.survey.expressions import evaluate
from services.survey.models import Answer, Campaign, Invitation, InvitationStatus
from services.survey.observatory import tallies
from services.survey.questionnaires.store import Parsed

# The whole population is invited; chance of answering, by kind and (for communes) population
# band. About 900 responses: enough for national and most regional figures, few enough to seed
# in a few seconds.
RESPONSE_RATE = {
    "0-499": 0.01,
    "500-1999": 0.015,
    "2000-9999": 0.04,
    "10000-49999": 0.12,
    "50000-199999": 0.3,
    "200000+": 0.6,
    "epci": 0.15,
    "departement": 0.4,
    "region": 0.7,
}
# Among the others, the share that opened the link and started without submitting.
STARTED_RATE = 0.02


def _uses_ai(kind: str, band: str) -> float:
    order = ("0-499", "500-1999", "2000-9999", "10000-49999", "50000-199999", "200000+")
    size = order.index(band) if band in order else 3
    return min(0.9, 0.12 + 0.12 * size + (0.2 if kind != "commune" else 0.0))


def _value(parsed: Parsed, flat: Any, rng: random.Random, org: dict[str, Any]) -> Any:
    question, kind = flat.question, flat.type
    if kind == "yes_no":
        if flat.key == "usage_ia":
            return "oui" if rng.random() < _uses_ai(org["kind"], org["band"]) else "non"
        return rng.choices(["oui", "non", DONT_KNOW], weights=[5, 4, 1])[0]
    if kind == "select_one":
        codes = codes_of(parsed.definition, question)
        return rng.choices(codes, weights=range(len(codes) + 1, 1, -1))[0]
    if kind == "select_multiple":
        choices = parsed.definition.choice_lists[question.choices]
        plain = [choice.code for choice in choices if not choice.exclusive]
        if len(plain) < len(choices) and rng.random() < 0.1:
            return [next(choice.code for choice in choices if choice.exclusive)]
        upper = min(question.max or 3, 3, len(plain))
        return rng.sample(plain, rng.randint(max(question.min or 1, 1), max(upper, 1)))
    if kind == "matrix":
        codes = codes_of(parsed.definition, question)
        return {row.code: rng.choice(codes) for row in question.rows}
    if kind == "scale":
        return rng.choices([1, 2, 3, 4, 5], weights=[1, 2, 4, 3, 2])[0]
    if kind in ("integer", "decimal"):
        low = question.min if question.min is not None else 0
        high = question.max if question.max is not None else 10_000
        scale = max(1.0, (org["population"] or 1000) / 200.0)
        value = min(high, max(low, rng.lognormvariate(0, 0.8) * min(scale, high / 4 or 1)))
        return int(value) if kind == "integer" else round(value, 1)
    if kind == "textarea" and rng.random() < 0.05:
        return "Texte libre de démonstration, jamais publié."
    return None


def _answers(parsed: Parsed, rng: random.Random, org: dict[str, Any]) -> dict[str, Any]:
    """Values for the questions shown to this authority, in order (relevance as on the form)."""
    kept: dict[str, Any] = {}
    for flat in parsed.flats:
        if not all(evaluate(condition, kept, org) for condition in flat.relevant):
            continue
        value = _value(parsed, flat, rng, org)
        # Some optional questions are left blank, as real respondents do.
        if value is not None and (flat.required or rng.random() > 0.08):
            kept[flat.key] = value
    return kept


def _insert(connection: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    """COPY on PostgreSQL (one stream instead of a statement per row), executemany on SQLite.
    JSON columns are written as JSON text."""
    if not rows:
        return
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), rows)
        return
    columns = list(rows[0])
    json_columns = {c for c in columns if isinstance(table.c[c].type, JSON)}
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([json.dumps(row[c]) if c in json_columns else row[c] for c in columns])


Generated = list[tuple[dict[str, Any], dict[str, Any]]]
_generated: dict[tuple[str, str, str, int], Generated] = {}


def _generate(campaign: Campaign, parsed: Parsed, seed: int) -> Generated:
    """Who answered and what, deterministic: computed once per process, then reused (the
    tests seed many databases)."""
    key = (
        str(parsed.document["key"]),
        str(parsed.document["version"]),
        json.dumps(campaign.target, sort_keys=True),
        seed,
    )
    if key in _generated:
        return _generated[key]
    rng = random.Random(seed)
    out: Generated = []
    for territory in target_population(campaign.target):
        band = band_of(territory.population)
        rate = RESPONSE_RATE[band if territory.kind == "commune" else territory.kind]
        draw = rng.random()
        submitted = draw < rate
        status = (
            InvitationStatus.SUBMITTED
            if submitted
            else InvitationStatus.STARTED
            if draw < rate + STARTED_RATE
            else InvitationStatus.SENT
        )
        fields = {
            "code": territory.code,
            "kind": territory.kind,
            "name": territory.name,
            "population": territory.population,
            "band": band,
            "region": territory.region,
            "departement": territory.departement,
            "status": status,
        }
        out.append((fields, _answers(parsed, rng, fields) if submitted else {}))
    _generated[key] = out
    return out


def seed_responses(
    session: Session, campaign: Campaign, parsed: Parsed, *, seed: int = 2025
) -> int:
    """Invite the campaign's whole population; some start, fewer submit generated answers (the
    rates of a real national survey); returns how many responses were submitted."""
    assert campaign.id is not None
    generated = _generate(campaign, parsed, seed)
    submitted_at = datetime.combine(campaign.closes_on, datetime.min.time(), UTC) - timedelta(
        days=7
    )
    invitation_t = Invitation.__table__  # type: ignore[attr-defined]
    connection = session.connection()
    _insert(
        connection,
        invitation_t,
        [
            {
                **fields,
                "campaign_id": campaign.id,
                "revision": 1,
                "reminders_sent": 0,
                "created_at": submitted_at - timedelta(days=60),
                "sent_at": submitted_at - timedelta(days=60),
                "started_at": None
                if fields["status"] == InvitationStatus.SENT
                else submitted_at - timedelta(days=8),
                "submitted_at": submitted_at
                if fields["status"] == InvitationStatus.SUBMITTED
                else None,
                "updated_at": submitted_at,
            }
            for fields, _answers in generated
        ],
    )
    ids = {
        (kind, code): number
        for number, kind, code in connection.execute(
            select(invitation_t.c.id, invitation_t.c.kind, invitation_t.c.code).where(
                invitation_t.c.campaign_id == campaign.id
            )
        )
    }
    _insert(
        connection,
        Answer.__table__,  # type: ignore[attr-defined]
        [
            {
                "invitation_id": ids[(fields["kind"], fields["code"])],
                "key": key,
                "value": value,
                "revision": 1,
                "author": "démonstration",
                "updated_at": submitted_at,
            }
            for fields, answers in generated
            for key, value in answers.items()
        ],
    )
    tallies.rebuild(connection, campaign.id, parsed)
    return sum(1 for fields, _ in generated if fields["status"] == InvitationStatus.SUBMITTED)
