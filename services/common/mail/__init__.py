"""Outgoing e-mail: an outbox table per service, delivered in the background.

A message is written to the service's own `outbox` table in the same transaction as the
change that causes it, so it is sent if and only if that change is saved. A background loop
in each service (and `iat-admin mail deliver`) sends what is due through SMTP, or, by default,
into a local folder of `.eml` files; failures are retried with a growing delay.
"""

from services.common.mail.delivery import DeliveryReport, deliver_due, transport_for
from services.common.mail.outbox import (
    Attachment,
    OutboxStatus,
    enqueue_mail,
    outbox_table,
    release_mail,
)
from services.common.mail.settings import MailSettings
from services.common.mail.worker import OutboxWorker

__all__ = [
    "Attachment",
    "DeliveryReport",
    "MailSettings",
    "OutboxStatus",
    "OutboxWorker",
    "deliver_due",
    "enqueue_mail",
    "outbox_table",
    "release_mail",
    "transport_for",
]
