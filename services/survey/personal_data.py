"""The survey's personal data: the addresses each invitation was sent to, the messages sent
to them, and the analysts' addresses in the audit log.

A response belongs to the local authority, not to the agent who typed it: erasure removes the
person's address from the invitations and keeps the answers, so the published aggregates
stay true.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, select, update

from services.common import personal_data as common
from services.common.personal_data import RetentionSettings, Rows
from services.survey.campaigns import closes_at
from services.survey.models import Campaign, Invitation, InvitationLink, audit_log, outbox

invitation_t = Invitation.__table__  # type: ignore[attr-defined]
link_t = InvitationLink.__table__  # type: ignore[attr-defined]
campaign_t = Campaign.__table__  # type: ignore[attr-defined]


def _invitations_of(connection: Connection, email: str) -> list[Any]:
    """Invitations sent to `email` among others (the column holds addresses between spaces)."""
    candidates = connection.execute(
        select(invitation_t).where(common.holds(invitation_t.c.emails, email))
    ).all()
    return [row for row in candidates if email in common.normalise(row.emails).split()]


def export(connection: Connection, email: str) -> dict[str, Rows]:
    return {
        "invitation": [common.as_json(row._mapping) for row in _invitations_of(connection, email)],
        "outbox": common.export_outbox(connection, outbox, email),
        "audit_log": common.export_audit(connection, audit_log, email),
    }


def erase(connection: Connection, email: str) -> dict[str, int]:
    invitations = _invitations_of(connection, email)
    for row in invitations:
        others = [part for part in row.emails.split() if common.normalise(part) != email]
        connection.execute(
            update(invitation_t)
            .where(invitation_t.c.id == row.id)
            .values(emails=" ".join(others) or None)
        )
    return {
        "invitation": len(invitations),
        "outbox": common.erase_outbox(connection, outbox, email),
        "audit_log": common.erase_audit(connection, audit_log, email),
    }


def record_erasure(connection: Connection, counts: dict[str, int]) -> None:
    common.record_erasure(connection, audit_log, counts)


def _closed_before(connection: Connection, moment: datetime) -> list[int]:
    campaigns = connection.execute(select(campaign_t.c.id, campaign_t.c.closes_on)).all()
    return [row.id for row in campaigns if closes_at(row) < moment]


def apply_retention(
    connection: Connection, settings: RetentionSettings, *, now: datetime
) -> dict[str, int]:
    stale_links = _closed_before(connection, common.days_ago(now, settings.link_days))
    links = connection.execute(
        delete(link_t).where(
            link_t.c.invitation_id.in_(
                select(invitation_t.c.id).where(invitation_t.c.campaign_id.in_(stale_links))
            )
        )
    ).rowcount
    stale_contacts = _closed_before(connection, common.days_ago(now, settings.contact_days))
    contacts = connection.execute(
        update(invitation_t)
        .where(invitation_t.c.campaign_id.in_(stale_contacts), invitation_t.c.emails.is_not(None))
        .values(emails=None)
    ).rowcount
    return {
        "invitation_link": int(links),
        "invitation.emails": int(contacts),
        "outbox": common.expire_outbox(
            connection, outbox, before=common.days_ago(now, settings.outbox_days)
        ),
        "audit_log": common.expire_audit(
            connection, audit_log, before=common.days_ago(now, settings.audit_days)
        ),
    }
