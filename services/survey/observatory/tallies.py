"""The submitted answers of a campaign, counted by class of respondent, kept up to date.

`answer_tally` holds, for each class (kind, population band, région, EPCI legal form), how many
submitted responses gave each value of each closed or numeric question: a few tens of thousands
of rows where the answers are hundreds of thousands, so the observatory reads counts instead of
grouping every answer on each computation. A submission adds its answers; a save after it moves
one count from the old value to the new one; `rebuild` recounts a campaign from its answers
(after a bulk load, or to check the counts). A multiple choice or a matrix is one JSON value,
decoded once per distinct value by the reader. Free text is never counted here.

Answering does not know of these counts: `follow_answering()`, called when the app is built,
subscribes `move` to `answering.on_submitted_answers`, which calls it in the transaction that
writes the answers (the observatory depends on answering, never the reverse).
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, bindparam, delete, insert, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from services.common.territories.search import get_index
from services.survey import answering
from services.survey.models import AnswerTally, Invitation, InvitationStatus
from services.survey.observatory.frame import Class, epci_form, stratum_of
from services.survey.observatory.units import estimated_keys
from services.survey.questionnaires.store import Parsed

tally_t = AnswerTally.__table__  # type: ignore[attr-defined]
invitation_t = Invitation.__table__  # type: ignore[attr-defined]
Key = tuple[str, str, str, str]  # kind, band, région ('' if none), EPCI legal form ('' if none)


def canonical(value: Any) -> str:
    """One text per value, whoever wrote it: increments and decrements meet on the same row."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


@functools.lru_cache(maxsize=1)
def _forms() -> dict[str, str]:
    """The legal form of each EPCI of the reference, by code."""
    return {
        territory.code: epci_form(territory.epci_kind)
        for territory in get_index().territories
        if territory.kind == "epci"
    }


def class_key(kind: str, band: str, region: str | None, code: str) -> Key:
    # An EPCI missing from the reference (since merged) counts as a communauté de communes.
    form = _forms().get(code, "CC") if kind == "epci" else ""
    return (kind, band, region or "", form)


def _upsert(dialect: str) -> Any:
    statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(tally_t)
    return statement.on_conflict_do_update(
        index_elements=[column.name for column in tally_t.primary_key.columns],
        set_={"n": tally_t.c.n + statement.excluded.n},
    )


_UPSERT = {dialect: _upsert(dialect) for dialect in ("postgresql", "sqlite")}
_CLASS_OF = select(
    invitation_t.c.campaign_id,
    invitation_t.c.kind,
    invitation_t.c.band,
    invitation_t.c.region,
    invitation_t.c.code,
).where(invitation_t.c.id == bindparam("invitation"))
_EMPTIED = delete(tally_t).where(
    and_(
        *(column == bindparam(f"p_{column.name}") for column in tally_t.primary_key.columns),
        tally_t.c.n <= 0,
    )
)


def move(
    connection: Connection,
    invitation_id: int,
    parsed: Parsed,
    changes: Iterable[tuple[str, Any | None, Any | None]],
) -> None:
    """Count a submitted response's changed answers: (key, old value or None, new value or
    None) each moves one count from the old value to the new one."""
    keys = estimated_keys(parsed)
    deltas: Counter[tuple[str, str]] = Counter()
    for key, old, new in changes:
        if key not in keys or old == new:
            continue
        if old is not None:
            deltas[(key, canonical(old))] -= 1
        if new is not None:
            deltas[(key, canonical(new))] += 1
    deltas = Counter({pair: n for pair, n in deltas.items() if n})
    if not deltas:
        return
    row = connection.execute(_CLASS_OF, {"invitation": invitation_id}).one()
    kind, band, region, form = class_key(row.kind, row.band, row.region, row.code)
    rows = [
        {
            "campaign_id": row.campaign_id,
            "kind": kind,
            "band": band,
            "region": region,
            "form": form,
            "key": key,
            "value": value,
            "n": n,
        }
        # In one order for every writer: two submissions of the same class lock the rows they
        # share in the same order, so they queue instead of deadlocking (PostgreSQL).
        for (key, value), n in sorted(deltas.items())
    ]
    connection.execute(_UPSERT[connection.dialect.name], rows)
    # A value nobody gives any more leaves no row behind.
    lowered = [
        {f"p_{name}": value for name, value in entry.items() if name != "n"}
        for entry in rows
        if entry["n"] < 0
    ]
    if lowered:
        connection.execute(_EMPTIED, lowered)


def follow_answering() -> None:
    """Keep the counts in step with every write of a submitted response (idempotent)."""
    answering.on_submitted_answers(move)


# Rebuilding groups the answers in the database by what makes a class; an EPCI keeps its code,
# whose legal form `class_key` reads in the reference, as the writes do.
_GROUPED = text(
    """SELECT i.kind, i.band, i.region, CASE WHEN i.kind = 'epci' THEN i.code ELSE '' END AS code,
        a.key, CAST(a.value AS TEXT) AS answer, count(*) AS n
    FROM invitation i JOIN answer a ON a.invitation_id = i.id
    WHERE i.campaign_id = :campaign AND i.status = :submitted AND a.key IN :keys
    GROUP BY i.kind, i.band, i.region, code, a.key, answer"""
).bindparams(bindparam("keys", expanding=True))


def rebuild(connection: Connection, campaign_id: int, parsed: Parsed) -> None:
    """Recount a campaign's submitted answers from scratch."""
    connection.execute(delete(tally_t).where(tally_t.c.campaign_id == campaign_id))
    keys = sorted(estimated_keys(parsed))
    if not keys:
        return
    counts: Counter[tuple[str, str, str, str, str, str]] = Counter()
    texts: dict[str, str] = {}
    params = {"campaign": campaign_id, "submitted": InvitationStatus.SUBMITTED.value, "keys": keys}
    for kind, band, region, code, key, answer, n in connection.execute(_GROUPED, params):
        if answer is None or answer == "null":
            continue
        value = texts.get(answer)
        if value is None:
            value = texts[answer] = canonical(json.loads(answer))
        counts[(*class_key(kind, band, region, code), key, value)] += int(n)
    rows = [
        dict(zip(("kind", "band", "region", "form", "key", "value"), group, strict=True))
        | {"campaign_id": campaign_id, "n": n}
        for group, n in counts.items()
    ]
    for start in range(0, len(rows), 5000):
        connection.execute(insert(tally_t), rows[start : start + 5000])


@dataclass(frozen=True)
class Tallies:
    """Counts by class: respondents, and each value of each question."""

    respondents: dict[Class, int]
    coded: list[tuple[Class, str, str, int]]  # (class, key, value as JSON text, respondents)
    numbers: list[tuple[Class, str, str, int]]  # the same for numeric questions


_RESPONDENTS = select(
    invitation_t.c.kind, invitation_t.c.band, invitation_t.c.region, invitation_t.c.code
).where(
    invitation_t.c.campaign_id == bindparam("campaign"),
    invitation_t.c.status == InvitationStatus.SUBMITTED.value,
)
# The class as one text per row: tens of thousands of rows, decoded once per class. Read with
# the driver's own cursor: plain tuples, without the cost of a result row object per count.
_COUNTS = """SELECT kind || '|' || band || '|' || region || '|' || form, key, value, n
    FROM answer_tally WHERE campaign_id = {campaign} AND n > 0"""


def _plain_rows(connection: Connection, campaign_id: int) -> list[tuple[str, str, str, int]]:
    placeholder = "%s" if connection.dialect.name == "postgresql" else "?"
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(_COUNTS.format(campaign=placeholder), (campaign_id,))
        return list(cursor.fetchall())
    finally:
        cursor.close()


def count(
    connection: Connection, campaign_id: int, *, coded: Sequence[str], numeric: Sequence[str]
) -> Tallies:
    classes: dict[Key, Class] = {}
    respondents: Counter[Class] = Counter()
    for row in connection.execute(_RESPONDENTS, {"campaign": campaign_id}):
        key = class_key(*row)
        found = classes.get(key)
        if found is None:
            found = classes[key] = Class(key[0], key[1], key[2], stratum_of(key[0], key[1], key[3]))
        respondents[found] += 1
    if not respondents:
        return Tallies({}, [], [])
    rows = _plain_rows(connection, campaign_id)
    named = {"|".join(key): cls for key, cls in classes.items()}
    wanted, numbers_of = set(coded), set(numeric)
    return Tallies(
        dict(respondents),
        [(named[c], key, value, n) for c, key, value, n in rows if key in wanted],
        [(named[c], key, value, n) for c, key, value, n in rows if key in numbers_of],
    )
