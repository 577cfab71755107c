"""What every service does alike for personal data: its outbox, its audit log, the retention
durations, and rows turned into JSON for a person's export.

The services' own modules (services/<service>/personal_data.py) find, export and erase what
only they hold; `services/personal_data.py` runs them all for `iat-admin`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from email import message_from_string, policy
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import ColumnElement, Connection, Table, func, insert, select, update

from services.common.sql import utcnow

# What a person's export gives for one table: its rows as JSON objects.
Rows = list[dict[str, Any]]
ERASER = "iat-admin"
ERASED_NAME = "(effacé)"


class RetentionSettings(BaseSettings):
    """`RETENTION_` variables: how many days each kind of personal data is kept (docs/personal-data.md)."""

    model_config = SettingsConfigDict(env_prefix="RETENTION_", extra="ignore")

    # Private links (survey invitations, hearing availability forms) once their campaign or
    # event is over: they have nothing left to open.
    link_days: int = Field(30, ge=0)
    # Names and addresses of the people asked (survey invitations, hearing contacts, panel
    # members) once their campaign or event is over, and of the submitters of fiches that were
    # refused or withdrawn.
    contact_days: int = Field(365, ge=0)
    # Addresses and bodies of the messages an outbox has sent or given up on.
    outbox_days: int = Field(90, ge=0)
    # The audit log of staff actions (CNIL recommendation on logging: 6 months to 1 year).
    audit_days: int = Field(365, ge=1)


def normalise(email: str) -> str:
    return email.strip().lower()


def as_json(row: Mapping[Any, Any], *, omit: Iterable[str] = ()) -> dict[str, Any]:
    """A row as JSON values; `omit` drops secrets (token digests) that say nothing to a person."""
    skipped = set(omit)
    return {str(key): _json_value(value) for key, value in row.items() if key not in skipped}


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"<{len(value)} octets>"
    return value


def holds(column: ColumnElement[Any], email: str) -> ColumnElement[bool]:
    """A first, coarse filter: `column` holds `email` somewhere (callers then match exactly)."""
    pattern = "%" + email.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return func.lower(column).like(pattern, escape="\\")


def _recipients_of(connection: Connection, outbox: Table, email: str) -> list[Any]:
    """Outbox rows addressed to `email` (matched exactly, not as a substring)."""
    candidates = connection.execute(select(outbox).where(holds(outbox.c.recipients, email))).all()
    return [
        row
        for row in candidates
        if email in (normalise(part) for part in str(row.recipients).split(","))
    ]


def export_outbox(connection: Connection, outbox: Table, email: str) -> Rows:
    # The message itself is left out: it may carry a private link that is still valid.
    return [
        as_json(row._mapping, omit=("message", "claimed_until"))
        for row in _recipients_of(connection, outbox, email)
    ]


def erase_outbox(connection: Connection, outbox: Table, email: str) -> int:
    """Take `email` out of every message to it.

    An unsent message to several people (an invitation to a whole team) still goes to the
    others, without this address; one to this person alone is cancelled. Sent messages lose
    their addresses and body.
    """
    rows = _recipients_of(connection, outbox, email)
    for row in rows:
        others = [
            part.strip()
            for part in str(row.recipients).split(",")
            if part.strip() and normalise(part) != email
        ]
        values: dict[str, object] = {"recipients": "", "message": None, "last_error": None}
        if row.status in ("pending", "held"):
            if others and row.message:
                message = message_from_string(row.message, policy=policy.default)
                message.replace_header("To", ", ".join(others))
                values = {"recipients": ", ".join(others), "message": message.as_string()}
            else:
                values["status"] = "cancelled"
        connection.execute(update(outbox).where(outbox.c.id == row.id).values(**values))
    return len(rows)


def export_audit(connection: Connection, audit: Table, email: str) -> Rows:
    rows = connection.execute(select(audit).where(func.lower(audit.c.actor_name) == email)).all()
    return [as_json(row._mapping) for row in rows]


def erase_audit(connection: Connection, audit: Table, email: str) -> int:
    """Staff entries keep the account's id ("staff:12"), losing the address next to it."""
    result = connection.execute(
        update(audit).where(func.lower(audit.c.actor_name) == email).values(actor_name=None)
    )
    return int(result.rowcount)


def record_erasure(connection: Connection, audit: Table, counts: Mapping[str, int]) -> None:
    """The erasure itself in the audit log: when and how many rows, never whose."""
    connection.execute(
        insert(audit).values(
            at=utcnow(),
            actor=ERASER,
            actor_name=None,
            method="ERASE",
            route="personal-data erase",
            target=json.dumps(dict(counts), ensure_ascii=False),
        )
    )


def expire_outbox(connection: Connection, outbox: Table, *, before: datetime) -> int:
    """Blank the addresses and bodies of messages sent or given up on before `before`."""
    result = connection.execute(
        update(outbox)
        .where(
            outbox.c.status.in_(["sent", "failed", "cancelled"]),
            outbox.c.created_at < before,
            outbox.c.recipients != "",
        )
        .values(recipients="", message=None, last_error=None)
    )
    return int(result.rowcount)


def expire_audit(connection: Connection, audit: Table, *, before: datetime) -> int:
    result = connection.execute(audit.delete().where(audit.c.at < before))
    return int(result.rowcount)


def days_ago(now: datetime, days: int) -> datetime:
    return now - timedelta(days=days)
