"""Questionnaire versions in the database: create as drafts, publish (then immutable), read."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlmodel import Session, col, select

from services.common.database_caches import PerDatabase
from services.common.errors import Conflict, NotFound
from services.common.sql import utcnow
from services.survey.definition import Definition, FlatQuestion, flatten
from services.survey.expressions import variables_of
from services.survey.models import Questionnaire, QuestionnaireStatus


@dataclass(frozen=True)
class Parsed:
    """A published definition, parsed once per database: it never changes afterwards."""

    document: dict[str, Any]
    definition: Definition
    flats: list[FlatQuestion]
    by_key: dict[str, FlatQuestion]
    # For each key, the keys its relevance, constraint and choice filter read, directly or
    # through others.
    depends_on: dict[str, frozenset[str]]

    def closure(self, keys: Iterable[str]) -> list[FlatQuestion]:
        """The questions `keys` and those they depend on, in document order."""
        wanted = set(keys)
        for key in list(wanted):
            wanted |= self.depends_on.get(key, frozenset())
        return [flat for flat in self.flats if flat.key in wanted]


_PUBLISHED: PerDatabase[dict[int, Parsed]] = PerDatabase(dict)
_LOCK = threading.Lock()


def parse(document: dict[str, Any]) -> Parsed:
    definition = Definition.model_validate(document)
    flats = flatten(definition)
    depends_on: dict[str, frozenset[str]] = {}
    for flat in flats:
        conditions = [*flat.relevant]
        for field in ("constraint", "choice_filter", "calculation"):
            expression = getattr(flat.question, field, None)
            if expression is not None:
                conditions.append(expression)
        direct = {name for condition in conditions for name in variables_of(condition)} - {flat.key}
        depends_on[flat.key] = frozenset(
            direct.union(*(depends_on.get(name, frozenset()) for name in direct))
        )
    return Parsed(document, definition, flats, {flat.key: flat for flat in flats}, depends_on)


def published(connection: Connection, questionnaire_id: int) -> Parsed:
    """The parsed definition of a published version (cached for its database: published means
    immutable)."""
    cache = _PUBLISHED.of(connection)
    with _LOCK:
        cached = cache.get(questionnaire_id)
    if cached is not None:
        return cached
    table = Questionnaire.__table__  # type: ignore[attr-defined]
    row = connection.execute(
        select(table.c.status, table.c.definition).where(table.c.id == questionnaire_id)
    ).first()
    if row is None or row.status != QuestionnaireStatus.PUBLISHED:
        raise NotFound(f"Aucun questionnaire publié n° {questionnaire_id}.")
    parsed = parse(row.definition)
    with _LOCK:
        cache[questionnaire_id] = parsed
    return parsed


def create_draft(session: Session, definition: Definition) -> Questionnaire:
    exists = session.exec(
        select(Questionnaire.id).where(
            col(Questionnaire.key) == definition.key,
            col(Questionnaire.version) == definition.version,
        )
    ).first()
    if exists is not None:
        raise Conflict(
            f"La version « {definition.version} » du questionnaire « {definition.key} » existe "
            "déjà : donnez un autre numéro de version."
        )
    row = Questionnaire(
        key=definition.key,
        version=definition.version,
        title=definition.title,
        definition=definition.model_dump(mode="json", exclude_none=True),
    )
    session.add(row)
    session.flush()
    return row


def publish(session: Session, row: Questionnaire) -> Questionnaire:
    if row.status == QuestionnaireStatus.PUBLISHED:
        raise Conflict(f"La version « {row.version} » est déjà publiée : elle ne change plus.")
    row.status = QuestionnaireStatus.PUBLISHED
    row.published_at = utcnow()
    session.add(row)
    session.flush()
    return row
