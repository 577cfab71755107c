"""Answering through a personal link: read the response, save answers as they are typed,
see what colleagues changed, submit.

The save path is the hot one (hundreds per second): a handful of small Core statements, no
ORM objects. Answers are stored one row per question, so agents saving different questions
never overwrite each other; on the same question the later save wins and is told whose value it
replaced, and every change is kept in `answer_event`.

Answering depends on nothing downstream. What else must follow the answers of a submitted
response (the observatory's kept counts, `answer_tally`) subscribes with
`on_submitted_answers` when the app is built: the submission reports every answer as
(key, None, value), a later save each changed answer as (key, old, new), and each listener
runs in the writing transaction, so its rows commit or roll back with the answers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, case, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from services.common.errors import NotFound
from services.common.private_links import digest_of, matches
from services.common.sql import utcnow
from services.survey.expressions import is_answered
from services.survey.models import (
    Answer,
    AnswerEvent,
    Campaign,
    Invitation,
    InvitationLink,
    InvitationStatus,
)
from services.survey.questionnaires.store import Parsed
from services.survey.rules import Invalid, check_answers, message_for, relevant_answers, value_error

answer_t = Answer.__table__  # type: ignore[attr-defined]
event_t = AnswerEvent.__table__  # type: ignore[attr-defined]
invitation_t = Invitation.__table__  # type: ignore[attr-defined]
link_t = InvitationLink.__table__  # type: ignore[attr-defined]
campaign_t = Campaign.__table__  # type: ignore[attr-defined]

UNKNOWN_LINK = "Ce lien de réponse est inconnu ou n'est plus valable."

Change = tuple[str, Any | None, Any | None]  # key, old value or None, new value or None
SubmittedListener = Callable[[Connection, int, Parsed, Sequence[Change]], None]
_listeners: list[SubmittedListener] = []


def on_submitted_answers(listener: SubmittedListener) -> None:
    """Call `listener(connection, invitation_id, parsed, changes)`, in the writing transaction,
    each time the answers of a submitted response change (once per listener, however often the
    app is built)."""
    if listener not in _listeners:
        _listeners.append(listener)


def _publish(
    connection: Connection, invitation_id: int, parsed: Parsed, changes: list[Change]
) -> None:
    for listener in _listeners:
        listener(connection, invitation_id, parsed, changes)


@dataclass(frozen=True)
class CampaignDates:
    """What answering needs of a campaign (a plain record: no model to build per save)."""

    id: int
    title: str
    opens_on: date
    closes_on: date
    questionnaire_id: int


@dataclass(frozen=True)
class Respondent:
    """What a token opens: one local authority's response to one campaign."""

    invitation_id: int
    status: str
    org: dict[str, Any]
    name: str
    code: str
    campaign: CampaignDates


# Statements built once: the save path runs them hundreds of times a second.
_BY_TOKEN = (
    select(
        link_t.c.token_hash,
        invitation_t.c.id,
        invitation_t.c.status,
        invitation_t.c.kind,
        invitation_t.c.population,
        invitation_t.c.region,
        invitation_t.c.departement,
        invitation_t.c.name,
        invitation_t.c.code,
        campaign_t.c.id.label("campaign_id"),
        campaign_t.c.title,
        campaign_t.c.opens_on,
        campaign_t.c.closes_on,
        campaign_t.c.questionnaire_id,
    )
    .join(invitation_t, invitation_t.c.id == link_t.c.invitation_id)
    .join(campaign_t, campaign_t.c.id == invitation_t.c.campaign_id)
    .where(link_t.c.token_hash == bindparam("digest"))
)
_ANSWERS = select(answer_t.c.key, answer_t.c.value, answer_t.c.revision, answer_t.c.author).where(
    answer_t.c.invitation_id == bindparam("invitation")
)
_SOME_ANSWERS = _ANSWERS.where(answer_t.c.key.in_(bindparam("keys", expanding=True)))


def respondent(connection: Connection, token: str) -> Respondent:
    """The response a token opens; an unknown token costs the same as a known one."""
    digest = digest_of(token)
    return _respondent_of(connection.execute(_BY_TOKEN, {"digest": digest}).first(), digest)


def _respondent_of(row: Any, digest: str) -> Respondent:
    # The index found the row by its hash; the constant-time comparison is belt and braces.
    if row is None or not matches(row.token_hash, digest) or row.questionnaire_id is None:
        raise NotFound(UNKNOWN_LINK)
    campaign = CampaignDates(
        row.campaign_id, row.title, row.opens_on, row.closes_on, row.questionnaire_id
    )
    org = {
        "kind": row.kind,
        "population": row.population,
        "region": row.region,
        "departement": row.departement,
    }
    return Respondent(row.id, row.status, org, row.name, row.code, campaign)


def current_answers(connection: Connection, invitation_id: int) -> dict[str, tuple[Any, int, str]]:
    """key -> (value, revision, author) of every stored answer."""
    rows = connection.execute(_ANSWERS, {"invitation": invitation_id})
    return {row.key: (row.value, row.revision, row.author) for row in rows}


def mark_opened(connection: Connection, who: Respondent) -> None:
    if who.status in (InvitationStatus.PENDING, InvitationStatus.SENT, InvitationStatus.BOUNCED):
        connection.execute(
            update(invitation_t)
            .where(invitation_t.c.id == who.invitation_id)
            .where(
                invitation_t.c.status.in_(
                    [InvitationStatus.PENDING, InvitationStatus.SENT, InvitationStatus.BOUNCED]
                )
            )
            .values(status=InvitationStatus.OPENED, opened_at=utcnow())
        )


@dataclass
class SaveResult:
    revision: int
    saved: dict[str, int]
    discarded: list[str]
    replaced: list[dict[str, Any]]
    errors: list[Invalid]


def _normalise(flat_type: str, value: Any) -> Any:
    # 12.0 sent for an integer is stored as 12: exports and comparisons see one value.
    if flat_type == "integer" and isinstance(value, float):
        return int(value)
    return value


# Each save bumps the response's revision, and takes its row: on PostgreSQL the row lock
# serialises saves of one response.
_BUMP_VALUES = {
    "revision": invitation_t.c.revision + 1,
    "updated_at": bindparam("now"),
    "status": case(
        (invitation_t.c.status == InvitationStatus.SUBMITTED, InvitationStatus.SUBMITTED),
        else_=InvitationStatus.STARTED,
    ),
    "started_at": func.coalesce(invitation_t.c.started_at, bindparam("now")),
}
_BUMP = (
    update(invitation_t)
    .where(invitation_t.c.id == bindparam("invitation"))
    .values(_BUMP_VALUES)
    .returning(invitation_t.c.revision)
)
# PostgreSQL: find the response by its token and take its row in one round trip (SQLite's
# RETURNING cannot name the joined tables, and its statements cost no round trip anyway).
_CLAIM = (
    update(invitation_t)
    .where(
        invitation_t.c.id == link_t.c.invitation_id,
        link_t.c.token_hash == bindparam("digest"),
        campaign_t.c.id == invitation_t.c.campaign_id,
    )
    .values(_BUMP_VALUES)
    .returning(
        link_t.c.token_hash,
        invitation_t.c.id,
        invitation_t.c.revision,
        invitation_t.c.status,
        invitation_t.c.kind,
        invitation_t.c.population,
        invitation_t.c.region,
        invitation_t.c.departement,
        invitation_t.c.name,
        invitation_t.c.code,
        campaign_t.c.id.label("campaign_id"),
        campaign_t.c.title,
        campaign_t.c.opens_on,
        campaign_t.c.closes_on,
        campaign_t.c.questionnaire_id,
    )
)
_EVENT = insert(event_t)

# PostgreSQL: the claim and the answers a save needs in the same round trip. The statement's
# snapshot is taken before the row lock is granted, so the answers it reads are current only if
# no other save of the response committed meanwhile: `seen_revision` (the revision in that
# snapshot) followed by the claimed one says so; otherwise the save reads them again, after the
# lock (every write of `answer` bumps the revision under that lock).
_claimed = _CLAIM.cte("claimed")
_before = invitation_t.alias("before")
_CLAIM_AND_READ = select(
    _claimed,
    select(_before.c.revision)
    .where(_before.c.id == _claimed.c.id)
    .scalar_subquery()
    .label("seen_revision"),
    answer_t.c.key.label("answer_key"),
    answer_t.c.value.label("answer_value"),
    answer_t.c.revision.label("answer_revision"),
    answer_t.c.author.label("answer_author"),
).select_from(
    _claimed.outerjoin(
        answer_t,
        and_(
            answer_t.c.invitation_id == _claimed.c.id,
            answer_t.c.key.in_(bindparam("keys", expanding=True)),
        ),
    )
)


def _upsert_statement(dialect: str) -> Any:
    statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(answer_t)
    return statement.on_conflict_do_update(
        index_elements=["invitation_id", "key"],
        set_={
            "value": statement.excluded.value,
            "revision": statement.excluded.revision,
            "author": statement.excluded.author,
            "updated_at": statement.excluded.updated_at,
        },
    )


_UPSERT = {dialect: _upsert_statement(dialect) for dialect in ("postgresql", "sqlite")}


def _checked(parsed: Parsed, incoming: Mapping[str, Any]) -> tuple[dict[str, Any], list[Invalid]]:
    """The values of the right type, list and bounds; the others named."""
    errors: list[Invalid] = []
    values: dict[str, Any] = {}
    for key, value in incoming.items():
        flat = parsed.by_key.get(key)
        if flat is None:
            errors.append(
                Invalid(key, "unknown", "Cette question n'existe pas dans le questionnaire.")
            )
            continue
        code = value_error(parsed.definition, flat, value)
        if code is not None:
            errors.append(Invalid(key, code, message_for(flat, code)))
        else:
            values[key] = _normalise(flat.type, value)
    return values, errors


def claim(connection: Connection, token: str, now: datetime) -> tuple[Respondent, int]:
    """The response a token opens, its row taken and its revision bumped for a save."""
    if connection.dialect.name == "postgresql":
        digest = digest_of(token)
        row = connection.execute(_CLAIM, {"digest": digest, "now": now}).first()
        if row is None:
            raise NotFound(UNKNOWN_LINK)
        return _respondent_of(row, digest), int(row.revision)
    who = respondent(connection, token)
    revision = connection.execute(_BUMP, {"invitation": who.invitation_id, "now": now}).scalar_one()
    return who, revision


Stored = dict[str, tuple[Any, int, str]]  # key -> (value, revision, author)


def claim_and_read(
    connection: Connection, token: str, keys: Sequence[str], now: datetime
) -> tuple[Respondent, int, Stored | None]:
    """`claim`, and on PostgreSQL in the same round trip the stored answers of `keys`; None
    when they may be stale (another save of the response committed meanwhile) or on SQLite,
    whose statements cost no round trip: `save` then reads them itself."""
    if connection.dialect.name != "postgresql" or not keys:
        return *claim(connection, token, now), None
    digest = digest_of(token)
    rows = connection.execute(
        _CLAIM_AND_READ, {"digest": digest, "now": now, "keys": list(keys)}
    ).all()
    if not rows:
        raise NotFound(UNKNOWN_LINK)
    first = rows[0]
    who, revision = _respondent_of(first, digest), int(first.revision)
    if first.seen_revision is None or int(first.seen_revision) + 1 != revision:
        return who, revision, None
    stored = {
        row.answer_key: (row.answer_value, row.answer_revision, row.answer_author)
        for row in rows
        if row.answer_key is not None
    }
    return who, revision, stored


def keys_to_read(parsed: Parsed | None, incoming: Mapping[str, Any]) -> list[str]:
    """The answers a save of `incoming` needs, by the questionnaire `parsed` (a guess made
    before the claim says which questionnaire the link answers; `save` checks it)."""
    if parsed is None:
        return []
    return [flat.key for flat in parsed.closure(key for key in incoming if key in parsed.by_key)]


def save(
    connection: Connection,
    who: Respondent,
    parsed: Parsed,
    incoming: Mapping[str, Any],
    seen: Mapping[str, int],
    author: str,
    *,
    revision: int,
    now: datetime,
    read: tuple[Parsed, Stored] | None = None,
) -> SaveResult:
    """Store the valid answers among `incoming`; name the others. One transaction.

    Only the answers the saved questions depend on (their conditions, transitively) are read:
    that is all relevance and constraints need, and it keeps a save small. `read`: those
    answers already read with the claim (`claim_and_read`), by the questionnaire then guessed;
    used only when the guess was `parsed`.
    """
    values, errors = _checked(parsed, incoming)
    flats = parsed.closure(values)
    wanted = {flat.key for flat in flats}
    if read is not None and read[0] is parsed:
        stored = {key: entry for key, entry in read[1].items() if key in wanted}
    else:
        stored = {
            row.key: (row.value, row.revision, row.author)
            for row in connection.execute(
                _SOME_ANSWERS, {"invitation": who.invitation_id, "keys": list(wanted)}
            )
        }
    merged = {key: entry[0] for key, entry in stored.items()}
    merged.update(values)
    _kept, relevant = relevant_answers(flats, merged, who.org)
    discarded = [key for key in values if key not in relevant and is_answered(values[key])]
    for key in discarded:
        del values[key]
        merged[key] = stored[key][0] if key in stored else None
    for problem in check_answers(parsed.definition, flats, merged, who.org, keys=set(values)):
        errors.append(problem)
        del values[problem.key]
    replaced = [
        {"key": key, "value": stored[key][0], "author": stored[key][2], "revision": stored[key][1]}
        for key in values
        if key in stored
        and stored[key][1] > seen.get(key, 0)
        and stored[key][2] != author
        and stored[key][0] != values[key]
    ]
    changes = [key for key in values if key not in stored or stored[key][0] != values[key]]
    if changes:
        _write(
            connection,
            [
                {
                    "invitation_id": who.invitation_id,
                    "key": key,
                    "value": values[key],
                    "revision": revision,
                    "author": author,
                    "updated_at": now,
                }
                for key in changes
            ],
            [
                {
                    "invitation_id": who.invitation_id,
                    "key": key,
                    "value": values[key],
                    "previous": stored[key][0] if key in stored else None,
                    "revision": revision,
                    "author": author,
                    "at": now,
                }
                for key in changes
            ],
        )
        if who.status == InvitationStatus.SUBMITTED:
            # A submitted response stays editable: its counts follow it.
            _publish(
                connection,
                who.invitation_id,
                parsed,
                [(key, stored[key][0] if key in stored else None, values[key]) for key in changes],
            )
    return SaveResult(
        revision=revision,
        saved={key: revision if key in changes else stored[key][1] for key in values},
        discarded=discarded,
        replaced=replaced,
        errors=errors,
    )


def _one_answer_and_its_history() -> Any:
    """PostgreSQL: the upsert of one answer and its history row in one statement (one round
    trip), built once: an autosave sends one answer, and building the statement per save cost
    more CPU than the round trip it saves."""
    value_type = answer_t.c.value.type
    upsert = pg_insert(answer_t).values(
        invitation_id=bindparam("invitation_id"),
        key=bindparam("key"),
        value=bindparam("value", type_=value_type),
        revision=bindparam("revision"),
        author=bindparam("author"),
        updated_at=bindparam("at"),
    )
    upsert = upsert.on_conflict_do_update(
        index_elements=["invitation_id", "key"],
        set_={
            "value": upsert.excluded.value,
            "revision": upsert.excluded.revision,
            "author": upsert.excluded.author,
            "updated_at": upsert.excluded.updated_at,
        },
    )
    return (
        insert(event_t)
        .values(
            invitation_id=bindparam("invitation_id"),
            key=bindparam("key"),
            value=bindparam("event_value", type_=value_type),
            previous=bindparam("previous", type_=event_t.c.previous.type),
            revision=bindparam("revision"),
            author=bindparam("author"),
            at=bindparam("at"),
        )
        .add_cte(upsert.returning(answer_t.c.key).cte("upserted"))
    )


_ONE_ANSWER = _one_answer_and_its_history()


def _write(
    connection: Connection, answers: list[dict[str, Any]], events: list[dict[str, Any]]
) -> None:
    """The answers and their history; one answer on PostgreSQL in one statement."""
    if connection.dialect.name == "postgresql" and len(events) == 1:
        event = events[0]
        connection.execute(_ONE_ANSWER, {**event, "event_value": event["value"]})
        return
    connection.execute(_UPSERT[connection.dialect.name], answers)
    connection.execute(_EVENT, events)


def changes_since(
    connection: Connection, invitation_id: int, since: int
) -> tuple[int, dict[str, Any]]:
    """The response's revision and the answers changed after revision `since`."""
    revision = connection.execute(
        select(invitation_t.c.revision).where(invitation_t.c.id == invitation_id)
    ).scalar_one()
    rows = connection.execute(
        select(
            answer_t.c.key,
            answer_t.c.value,
            answer_t.c.revision,
            answer_t.c.author,
            answer_t.c.updated_at,
        )
        .where(answer_t.c.invitation_id == invitation_id)
        .where(answer_t.c.revision > since)
    )
    return revision, {
        row.key: {
            "value": row.value,
            "revision": row.revision,
            "author": row.author,
            "updated_at": row.updated_at.isoformat()
            if isinstance(row.updated_at, datetime)
            else row.updated_at,
        }
        for row in rows
    }


def missing_or_invalid(
    parsed: Parsed, answers: Mapping[str, Any], org: Mapping[str, Any]
) -> list[Invalid]:
    return check_answers(parsed.definition, parsed.flats, answers, org, complete=True)


CALCULATED_BY = "calcul"


def store_calculations(
    connection: Connection,
    who: Respondent,
    parsed: Parsed,
    answers: Mapping[str, Any],
    now: datetime,
) -> dict[str, Any]:
    """Recompute the questionnaire's calculations from `answers` and store those that changed,
    as answers written by "calcul"; the answers with them."""
    kept, _ = relevant_answers(parsed.flats, answers, who.org)
    changed = {
        flat.key: kept.get(flat.key)
        for flat in parsed.flats
        if flat.type == "calculate" and kept.get(flat.key) != answers.get(flat.key)
    }
    if not changed:
        return dict(answers)
    revision = connection.execute(
        select(invitation_t.c.revision).where(invitation_t.c.id == who.invitation_id)
    ).scalar_one()
    rows = [
        {"invitation_id": who.invitation_id, "key": key, "value": value, "revision": revision}
        for key, value in changed.items()
    ]
    connection.execute(
        _UPSERT[connection.dialect.name],
        [{**row, "author": CALCULATED_BY, "updated_at": now} for row in rows],
    )
    connection.execute(
        _EVENT,
        [
            {**row, "previous": answers.get(row["key"]), "author": CALCULATED_BY, "at": now}
            for row in rows
        ],
    )
    return {**answers, **changed}


def mark_submitted(connection: Connection, invitation_id: int, parsed: Parsed) -> datetime:
    """Submit a response (again, after changes, keeps it submitted and counted once)."""
    now = utcnow()
    first = connection.execute(
        update(invitation_t)
        .where(invitation_t.c.id == invitation_id)
        .where(invitation_t.c.status != InvitationStatus.SUBMITTED)
        .values(
            status=InvitationStatus.SUBMITTED,
            submitted_at=now,
            updated_at=now,
            started_at=case(
                (invitation_t.c.started_at.is_(None), now), else_=invitation_t.c.started_at
            ),
        )
    ).rowcount
    if first:
        # Read after the update, which holds the response's row: no save slips in between.
        answers = {
            key: entry[0] for key, entry in current_answers(connection, invitation_id).items()
        }
        _publish(connection, invitation_id, parsed, [(key, None, v) for key, v in answers.items()])
    else:
        connection.execute(
            update(invitation_t)
            .where(invitation_t.c.id == invitation_id)
            .values(submitted_at=now, updated_at=now)
        )
    return now
