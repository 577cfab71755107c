"""Sending what is due in an outbox: claim, send outside any transaction, record."""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from dataclasses import dataclass
from datetime import timedelta
from email import message_from_string, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from sqlalchemy import Engine, Table, or_, select, update

from services.common.mail.outbox import OutboxStatus
from services.common.mail.settings import MailSettings
from services.common.sql import utcnow

logger = logging.getLogger(__name__)

BATCH = 50
CLAIM_SECONDS = 120


class Transport(Protocol):
    def send(self, message: EmailMessage, *, message_id: int) -> str:
        """Deliver one message; returns where it went, for the log."""
        ...


class SmtpTransport:
    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings

    def send(self, message: EmailMessage, *, message_id: int) -> str:
        s = self.settings
        assert s.smtp_host is not None
        smtp: smtplib.SMTP
        if s.smtp_security == "ssl":
            smtp = smtplib.SMTP_SSL(
                s.smtp_host,
                s.smtp_port,
                timeout=s.smtp_timeout_seconds,
                context=ssl.create_default_context(),
            )
        else:
            smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds)
        with smtp:
            if s.smtp_security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if s.smtp_username and s.smtp_password:
                smtp.login(s.smtp_username, s.smtp_password.get_secret_value())
            smtp.send_message(message)
        return f"smtp://{s.smtp_host}:{s.smtp_port}"


class FolderTransport:
    """The demo's delivery: one .eml file per message, readable by any mail client."""

    def __init__(self, folder: Path, prefix: str) -> None:
        self.folder = folder
        self.prefix = prefix

    def send(self, message: EmailMessage, *, message_id: int) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = utcnow().strftime("%Y%m%dT%H%M%S")
        # The id is zero-padded so that, within one second, names still sort in sending order.
        path = self.folder / f"{stamp}-{self.prefix}-{message_id:010d}.eml"
        # Written aside then renamed, so a reader never sees half a message.
        partial = path.with_suffix(".part")
        partial.write_bytes(message.as_bytes())
        os.replace(partial, path)
        return str(path)


def transport_for(settings: MailSettings, *, service: str) -> Transport:
    if settings.smtp_host:
        return SmtpTransport(settings)
    return FolderTransport(Path(settings.folder), service)


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def deliver_due(
    engine: Engine, outbox: Table, settings: MailSettings, transport: Transport
) -> DeliveryReport:
    """Send every message that is due; safe to run from several replicas at once."""
    report = DeliveryReport()
    now = utcnow()
    with engine.connect() as connection:
        due = (
            connection.execute(
                select(outbox.c.id)
                .where(outbox.c.status == OutboxStatus.PENDING)
                .where(outbox.c.next_attempt_at <= now)
                .where(or_(outbox.c.claimed_until.is_(None), outbox.c.claimed_until < now))
                .order_by(outbox.c.id)
                .limit(BATCH)
            )
            .scalars()
            .all()
        )
    for message_id in due:
        claimed = _claim(engine, outbox, message_id)
        if claimed is None:
            continue  # another sender took it first
        attempts, raw = claimed
        try:
            message = message_from_string(raw, policy=policy.default)
            assert isinstance(message, EmailMessage)
            where = transport.send(message, message_id=message_id)
        except (OSError, smtplib.SMTPException) as error:
            gave_up = attempts >= settings.max_attempts
            _record_failure(engine, outbox, message_id, attempts, settings, error, gave_up)
            if gave_up:
                report.failed += 1
            else:
                report.retried += 1
            continue
        _record_success(engine, outbox, message_id)
        # The address and the content stay out of the log: they are personal, even secret.
        logger.info("mail %s delivered to %s", message_id, where)
        report.sent += 1
    return report


def _claim(engine: Engine, outbox: Table, message_id: int) -> tuple[int, str] | None:
    now = utcnow()
    with engine.begin() as connection:
        result = connection.execute(
            update(outbox)
            .where(outbox.c.id == message_id)
            .where(outbox.c.status == OutboxStatus.PENDING)
            .where(or_(outbox.c.claimed_until.is_(None), outbox.c.claimed_until < now))
            .values(
                claimed_until=now + timedelta(seconds=CLAIM_SECONDS),
                attempts=outbox.c.attempts + 1,
            )
        )
        if result.rowcount != 1:
            return None
        row = connection.execute(
            select(outbox.c.attempts, outbox.c.message).where(outbox.c.id == message_id)
        ).one()
    return int(row.attempts), str(row.message)


def _record_success(engine: Engine, outbox: Table, message_id: int) -> None:
    with engine.begin() as connection:
        connection.execute(
            update(outbox)
            .where(outbox.c.id == message_id)
            .values(
                status=OutboxStatus.SENT,
                sent_at=utcnow(),
                message=None,
                claimed_until=None,
                last_error=None,
            )
        )


def _record_failure(
    engine: Engine,
    outbox: Table,
    message_id: int,
    attempts: int,
    settings: MailSettings,
    error: Exception,
    gave_up: bool,
) -> None:
    delay = min(settings.retry_base_seconds * 2 ** (attempts - 1), settings.retry_max_seconds)
    logger.warning(
        "mail %s not delivered (attempt %s): %s%s",
        message_id,
        attempts,
        error.__class__.__name__,
        ", giving up" if gave_up else f", retrying in {delay:.0f} s",
    )
    with engine.begin() as connection:
        connection.execute(
            update(outbox)
            .where(outbox.c.id == message_id)
            .values(
                status=OutboxStatus.FAILED if gave_up else OutboxStatus.PENDING,
                next_attempt_at=utcnow() + timedelta(seconds=delay),
                claimed_until=None,
                last_error=f"{error.__class__.__name__}: {error}"[:2000],
            )
        )
