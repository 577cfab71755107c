"""The catalogue's personal data: the submitter's address of each proposed fiche, the
messages sent to it, the moderators' addresses in the audit log, and the person who registers
a FRIA's system in the EU database (its form's `deployer.submitter_*`, never published).

Erasure keeps the fiche (its content describes a local authority's project, not a person) and
its history; the address and the private edit link go, so nothing leads back to the person.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select, update

from services.catalogue.models import UseCase, UseCaseStatus, audit_log, outbox
from services.common import personal_data as common
from services.common.personal_data import RetentionSettings, Rows

use_case_t = UseCase.__table__  # type: ignore[attr-defined]

# Fiches whose submitter will get no further message: the address has served its purpose.
CLOSED = (UseCaseStatus.REJECTED, UseCaseStatus.RETRACTED, UseCaseStatus.ARCHIVED)


def _fiches(email: str) -> Any:
    return func.lower(use_case_t.c.submitter_email) == email


# The FRIA form's fields that name the person who submits the registration (Annex VIII C.2).
SUBMITTER_FIELDS = ("submitter_name", "submitter_address", "submitter_contact")


def _fria_submitters(connection: Connection, email: str) -> list[tuple[int, dict[str, Any]]]:
    """(id, FRIA) of the fiches whose FRIA names this address as its submitter's contact.

    Read in Python: the FRIA is JSON (a JSON null for most fiches, which SQL's IS NULL does
    not see), and its contact a free text that holds the address."""
    rows = connection.execute(select(use_case_t.c.id, use_case_t.c.fria)).all()
    found = []
    for row in rows:
        deployer = ((row.fria or {}).get("form") or {}).get("deployer") or {}
        if email in str(deployer.get("submitter_contact") or "").lower():
            found.append((int(row.id), dict(row.fria)))
    return found


def export(connection: Connection, email: str) -> dict[str, Rows]:
    fiches = connection.execute(
        select(
            use_case_t.c.id,
            use_case_t.c.title,
            use_case_t.c.status,
            use_case_t.c.submitter_email,
            use_case_t.c.created_at,
            use_case_t.c.updated_at,
        ).where(_fiches(email))
    ).all()
    submitters = [
        {
            "use_case_id": use_case_id,
            **{k: fria["form"]["deployer"].get(k) for k in SUBMITTER_FIELDS},
        }
        for use_case_id, fria in _fria_submitters(connection, email)
    ]
    return {
        "use_case": [common.as_json(row._mapping) for row in fiches],
        **({"use_case.fria": submitters} if submitters else {}),
        "outbox": common.export_outbox(connection, outbox, email),
        "audit_log": common.export_audit(connection, audit_log, email),
    }


def erase(connection: Connection, email: str) -> dict[str, int]:
    fiches = connection.execute(
        update(use_case_t).where(_fiches(email)).values(submitter_email=None, edit_token_hash=None)
    ).rowcount
    submitters = _fria_submitters(connection, email)
    for use_case_id, fria in submitters:
        deployer = {**fria["form"]["deployer"], **dict.fromkeys(SUBMITTER_FIELDS)}
        cleared = {**fria, "form": {**fria["form"], "deployer": deployer}}
        connection.execute(
            update(use_case_t).where(use_case_t.c.id == use_case_id).values(fria=cleared)
        )
    return {
        "use_case": int(fiches),
        **({"use_case.fria": len(submitters)} if submitters else {}),
        "outbox": common.erase_outbox(connection, outbox, email),
        "audit_log": common.erase_audit(connection, audit_log, email),
    }


def record_erasure(connection: Connection, counts: dict[str, int]) -> None:
    common.record_erasure(connection, audit_log, counts)


def apply_retention(
    connection: Connection, settings: RetentionSettings, *, now: datetime
) -> dict[str, int]:
    contacts = connection.execute(
        update(use_case_t)
        .where(
            use_case_t.c.status.in_(CLOSED),
            use_case_t.c.updated_at < common.days_ago(now, settings.contact_days),
            use_case_t.c.submitter_email.is_not(None),
        )
        .values(submitter_email=None, edit_token_hash=None)
    ).rowcount
    return {
        "use_case.submitter_email": int(contacts),
        "outbox": common.expire_outbox(
            connection, outbox, before=common.days_ago(now, settings.outbox_days)
        ),
        "audit_log": common.expire_audit(
            connection, audit_log, before=common.days_ago(now, settings.audit_days)
        ),
    }
