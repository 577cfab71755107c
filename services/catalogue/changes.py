"""The public changes since a cursor, for the integrators that copy the catalogue.

Every public change already has its row: a `use_case_version` marked public (a publication,
an update published, a retraction or an archiving), numbered by the database in the order of
the writes. The cursor is that number, wrapped so that integrators treat it as opaque (it may
become something else later): "since" means after that row, and `next` is the last row given.

A publication is a creation when the fiche had no public version before, or came back after a
withdrawal; a retraction or an archiving is a withdrawal, given without content (the fiche is
no longer in the catalogue's lists: an archived one stays readable at its address).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final, Literal

import sqlalchemy
from sqlalchemy import func
from sqlmodel import Session, col, select

from services.catalogue.models import UseCase, UseCaseVersion
from services.common.pagination import MAX_ROW_ID

_PREFIX: Final = "v1:"
WITHDRAWALS: Final = frozenset({"retracted", "archived"})

ChangeKind = Literal["created", "updated", "withdrawn"]


@dataclass(frozen=True)
class Change:
    use_case_id: int
    slug: str
    change: ChangeKind
    at: datetime
    version: int


def encode(row_id: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{row_id}".encode()).decode().rstrip("=")


def decode(cursor: str) -> int:
    """The row a cursor stands for; ValueError when it is not one this service gave."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise ValueError("curseur illisible") from error
    number = text.removeprefix(_PREFIX)
    if not text.startswith(_PREFIX) or not number.isdigit() or int(number) > MAX_ROW_ID:
        raise ValueError("curseur inconnu")
    return int(number)


def since(session: Session, after: int, limit: int) -> tuple[list[Change], int, bool]:
    """The public changes after row `after`, oldest first: at most `limit`, the last row's
    number, and whether more follow."""
    rows = session.execute(
        sqlalchemy.select(
            col(UseCaseVersion.id),
            col(UseCaseVersion.use_case_id),
            col(UseCaseVersion.number),
            col(UseCaseVersion.event),
            col(UseCaseVersion.created_at),
            col(UseCase.slug),
        )
        .join(UseCase, col(UseCase.id) == col(UseCaseVersion.use_case_id))
        .where(col(UseCaseVersion.public), col(UseCaseVersion.id) > after)
        .order_by(col(UseCaseVersion.id))
        .limit(limit + 1)
    ).all()
    more = len(rows) > limit
    rows = rows[:limit]
    if not rows:
        return [], after, False
    # Where each fiche of the page stood before it: its last public event until `after`.
    ids = {row[1] for row in rows}
    before = (
        select(
            col(UseCaseVersion.use_case_id).label("use_case_id"),
            func.max(UseCaseVersion.id).label("id"),
        )
        .where(
            col(UseCaseVersion.public),
            col(UseCaseVersion.id) <= after,
            col(UseCaseVersion.use_case_id).in_(ids),
        )
        .group_by(col(UseCaseVersion.use_case_id))
        .subquery()
    )
    standing: dict[int, str] = dict(
        session.exec(
            select(col(UseCaseVersion.use_case_id), col(UseCaseVersion.event)).join(
                before, before.c.id == UseCaseVersion.id
            )
        ).all()
    )
    changes = []
    for row_id, use_case_id, number, event, at, slug in rows:
        assert row_id is not None
        previous = standing.get(use_case_id)
        kind: ChangeKind
        if event in WITHDRAWALS:
            kind = "withdrawn"
        elif previous is None or previous in WITHDRAWALS:
            kind = "created"
        else:
            kind = "updated"
        standing[use_case_id] = event
        moment = at if at.tzinfo else at.replace(tzinfo=UTC)
        changes.append(Change(use_case_id, slug, kind, moment, number))
    last = rows[-1][0]
    assert last is not None
    return changes, last, more
