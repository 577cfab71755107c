"""The hearings' personal data: the contact persons of the heard organisations and their
availability links, the commission members, the messages sent to them, and the organisers'
addresses in the audit log, and the answers to the invitations (imported REPLY).

Erasure keeps the organisations, the hearings and the schedule: the person's name and address
become blank, and their private links (availability form, calendar feed) stop working.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, delete, func, select, update

from services.auditions.models import (
    Actor,
    Contact,
    Event,
    Hearing,
    HearingReply,
    Invitation,
    PanelMember,
    audit_log,
    outbox,
)
from services.common import personal_data as common
from services.common.personal_data import ERASED_NAME, RetentionSettings, Rows
from services.common.private_links import REVOKED_PREFIX, revoked_digest

contact_t = Contact.__table__  # type: ignore[attr-defined]
member_t = PanelMember.__table__  # type: ignore[attr-defined]
invitation_t = Invitation.__table__  # type: ignore[attr-defined]
actor_t = Actor.__table__  # type: ignore[attr-defined]
event_t = Event.__table__  # type: ignore[attr-defined]
reply_t = HearingReply.__table__  # type: ignore[attr-defined]
hearing_t = Hearing.__table__  # type: ignore[attr-defined]

SECRETS = ("feed_token_hash", "token_hash")
# What links killed before the kernel's revoked_digest() hold: they stay dead, and are not
# counted again.
DEAD_LINK = "expired:"


def link_revoked(token_hash: str) -> bool:
    """True for a link killed by an erasure or the retention (now or before revoked_digest())."""
    return token_hash.startswith((REVOKED_PREFIX, DEAD_LINK))


def _contact_ids(connection: Connection, where: ColumnElement[bool]) -> list[int]:
    return list(connection.execute(select(contact_t.c.id).where(where)).scalars())


def _kill_links(connection: Connection, contact_ids: list[int]) -> int:
    """The availability links of these contacts stop working (each keeps a unique value)."""
    live = connection.execute(
        select(invitation_t.c.id).where(
            invitation_t.c.contact_id.in_(contact_ids),
            invitation_t.c.token_hash.not_like(DEAD_LINK + "%"),
            invitation_t.c.token_hash.not_like(REVOKED_PREFIX + "%"),
        )
    ).scalars()
    count = 0
    for invitation_id in live.all():
        connection.execute(
            update(invitation_t)
            .where(invitation_t.c.id == invitation_id)
            .values(token_hash=revoked_digest())
        )
        count += 1
    return count


def _anonymise_contacts(connection: Connection, contact_ids: list[int]) -> int:
    result = connection.execute(
        update(contact_t)
        .where(contact_t.c.id.in_(contact_ids))
        .values(name=ERASED_NAME, email="", feed_token_hash=None)
    )
    return int(result.rowcount)


def _anonymise_members(connection: Connection, where: ColumnElement[bool]) -> int:
    result = connection.execute(
        update(member_t)
        .where(where)
        # A new version: a console opened before the erasure cannot write the name back.
        .values(
            name=ERASED_NAME,
            email="",
            feed_token_hash=None,
            unavailability=[],
            version=member_t.c.version + 1,
        )
    )
    return int(result.rowcount)


def export(connection: Connection, email: str) -> dict[str, Rows]:
    contacts = connection.execute(
        select(contact_t).where(func.lower(contact_t.c.email) == email)
    ).all()
    invitations = connection.execute(
        select(invitation_t).where(invitation_t.c.contact_id.in_([row.id for row in contacts]))
    ).all()
    members = connection.execute(
        select(member_t).where(func.lower(member_t.c.email) == email)
    ).all()
    replies = connection.execute(select(reply_t).where(reply_t.c.email == email)).all()
    return {
        "contact": [common.as_json(row._mapping, omit=SECRETS) for row in contacts],
        "invitation": [common.as_json(row._mapping, omit=SECRETS) for row in invitations],
        "panel_member": [common.as_json(row._mapping, omit=SECRETS) for row in members],
        "hearing_reply": [common.as_json(row._mapping) for row in replies],
        "outbox": common.export_outbox(connection, outbox, email),
        "audit_log": common.export_audit(connection, audit_log, email),
    }


def erase(connection: Connection, email: str) -> dict[str, int]:
    contact_ids = _contact_ids(connection, func.lower(contact_t.c.email) == email)
    return {
        "invitation": _kill_links(connection, contact_ids),
        "contact": _anonymise_contacts(connection, contact_ids),
        "panel_member": _anonymise_members(connection, func.lower(member_t.c.email) == email),
        # An answer is nothing without its person: it goes.
        "hearing_reply": int(
            connection.execute(delete(reply_t).where(reply_t.c.email == email)).rowcount
        ),
        "outbox": common.erase_outbox(connection, outbox, email),
        "audit_log": common.erase_audit(connection, audit_log, email),
    }


def record_erasure(connection: Connection, counts: dict[str, int]) -> None:
    common.record_erasure(connection, audit_log, counts)


def _events_ended_before(moment: datetime) -> Any:
    return select(event_t.c.id).where(event_t.c.ends_on < moment.date())


def _contacts_of(events: Any) -> ColumnElement[bool]:
    actors = select(actor_t.c.id).where(actor_t.c.event_id.in_(events))
    condition: ColumnElement[bool] = contact_t.c.actor_id.in_(actors)
    return condition


def apply_retention(
    connection: Connection, settings: RetentionSettings, *, now: datetime
) -> dict[str, int]:
    over = _events_ended_before(common.days_ago(now, settings.link_days))
    links = _kill_links(connection, _contact_ids(connection, _contacts_of(over)))
    feeds = (
        connection.execute(
            update(contact_t)
            .where(_contacts_of(over), contact_t.c.feed_token_hash.is_not(None))
            .values(feed_token_hash=None)
        ).rowcount
        + connection.execute(
            update(member_t)
            .where(member_t.c.event_id.in_(over), member_t.c.feed_token_hash.is_not(None))
            .values(feed_token_hash=None)
        ).rowcount
    )
    long_over = _events_ended_before(common.days_ago(now, settings.contact_days))
    contacts = _contact_ids(connection, _contacts_of(long_over) & (contact_t.c.email != ""))
    return {
        "invitation.token": links,
        "feed_token": int(feeds),
        "contact": _anonymise_contacts(connection, contacts),
        "panel_member": _anonymise_members(
            connection, member_t.c.event_id.in_(long_over) & (member_t.c.email != "")
        ),
        # The answers go with the people they name.
        "hearing_reply": int(
            connection.execute(
                delete(reply_t).where(
                    reply_t.c.hearing_id.in_(
                        select(hearing_t.c.id).where(hearing_t.c.event_id.in_(long_over))
                    )
                )
            ).rowcount
        ),
        "outbox": common.expire_outbox(
            connection, outbox, before=common.days_ago(now, settings.outbox_days)
        ),
        "audit_log": common.expire_audit(
            connection, audit_log, before=common.days_ago(now, settings.audit_days)
        ),
    }
