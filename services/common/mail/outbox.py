"""The outbox table and how messages are put into it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from enum import StrEnum

from sqlalchemy import (
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    insert,
    update,
)
from sqlmodel import Session

from services.common.mail.settings import MailSettings
from services.common.sql import UTCDateTime, utcnow

MAX_SUBJECT = 300
_NOT_IN_HEADER = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


class OutboxStatus(StrEnum):
    # Waits for staff to review it (the hearings' invitations) before it may leave.
    HELD = "held"
    PENDING = "pending"
    SENT = "sent"
    # Gave up after MAIL_MAX_ATTEMPTS; kept, with its content, until staff retry it.
    FAILED = "failed"
    CANCELLED = "cancelled"


def outbox_table(metadata: MetaData) -> Table:
    """The `outbox` table in a service's own metadata."""
    return Table(
        "outbox",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("created_at", UTCDateTime(), nullable=False, default=utcnow),
        Column("status", String(20), nullable=False),
        # What the message is about, for staff screens ("edit-link", "invitation", ...).
        Column("kind", String(50), nullable=False),
        Column("reference", String(100), nullable=True),
        Column("recipients", Text, nullable=False),
        Column("subject", String(MAX_SUBJECT), nullable=False),
        # The whole RFC 5322 message. Emptied once sent: it may carry a private link.
        Column("message", Text, nullable=True),
        Column("attempts", Integer, nullable=False, default=0),
        Column("next_attempt_at", UTCDateTime(), nullable=False, default=utcnow),
        # A sender owns a message until then; another replica may take it over afterwards.
        Column("claimed_until", UTCDateTime(), nullable=True),
        Column("last_error", Text, nullable=True),
        Column("sent_at", UTCDateTime(), nullable=True),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


def build_message(
    settings: MailSettings,
    *,
    to: Sequence[str],
    subject: str,
    text: str,
    attachments: Sequence[Attachment] = (),
    calendar: str | None = None,
    calendar_method: str = "REQUEST",
    reply_to: str | None = None,
) -> EmailMessage:
    """A plain-text message; a calendar becomes a text/calendar alternative (iTIP)."""
    message = EmailMessage()
    message["From"] = settings.from_address
    message["To"] = ", ".join(to)
    if reply_to is not None:
        message["Reply-To"] = reply_to
    message["Subject"] = header_text(subject)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=_domain(settings.from_address))
    message.set_content(text)
    if calendar is not None:
        # Calendar clients read the method from the part's parameters to offer "accept".
        # RFC 5545 lines end in CRLF: base64 carries the bytes as they are, where a text
        # encoding would have them rewritten to the local line ending (LF in a .eml file).
        message.add_alternative(
            calendar_bytes(calendar),
            maintype="text",
            subtype="calendar",
            cte="base64",
            params={"method": calendar_method, "charset": "utf-8"},
        )
    for attachment in attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        if calendar is not None:
            # An alternative body cannot take attachments: wrap it in multipart/mixed.
            message.make_mixed()
        message.add_attachment(
            attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return message


def header_text(text: str) -> str:
    """`text` as one header line: a line break or control character typed in a title (which
    would end the header, or be refused by the library) becomes a space."""
    return " ".join(_NOT_IN_HEADER.sub(" ", text).split())


def calendar_bytes(calendar: str) -> bytes:
    """The calendar's UTF-8 bytes with CRLF line endings, whatever the text it came as."""
    return calendar.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


def _domain(address: str) -> str:
    return address.rsplit("@", 1)[-1].strip(" >") or "localhost"


def enqueue_mail(
    session: Session,
    outbox: Table,
    settings: MailSettings,
    *,
    to: Sequence[str],
    subject: str,
    text: str,
    kind: str,
    reference: str | None = None,
    attachments: Sequence[Attachment] = (),
    calendar: str | None = None,
    calendar_method: str = "REQUEST",
    reply_to: str | None = None,
    held: bool = False,
) -> int:
    """Put a message in the outbox, in the caller's transaction; returns its id."""
    if not to:
        raise ValueError("a message needs at least one recipient")
    message = build_message(
        settings,
        to=to,
        subject=subject[:MAX_SUBJECT],
        text=text,
        attachments=attachments,
        calendar=calendar,
        calendar_method=calendar_method,
        reply_to=reply_to,
    )
    # The session's connection, so the insert joins the caller's transaction.
    result = session.connection().execute(
        insert(outbox).values(
            created_at=utcnow(),
            status=OutboxStatus.HELD if held else OutboxStatus.PENDING,
            kind=kind,
            reference=reference,
            recipients=", ".join(to),
            subject=header_text(subject)[:MAX_SUBJECT],
            message=message.as_string(),
            attempts=0,
            next_attempt_at=utcnow(),
        )
    )
    (message_id,) = result.inserted_primary_key or (None,)
    assert isinstance(message_id, int)
    return message_id


def release_mail(session: Session, outbox: Table, ids: Sequence[int]) -> int:
    """Let held (or failed) messages go; returns how many were released."""
    if not ids:
        return 0
    result = session.connection().execute(
        update(outbox)
        .where(outbox.c.id.in_(list(ids)))
        .where(outbox.c.status.in_([OutboxStatus.HELD, OutboxStatus.FAILED]))
        .values(status=OutboxStatus.PENDING, next_attempt_at=utcnow(), attempts=0)
    )
    return result.rowcount
