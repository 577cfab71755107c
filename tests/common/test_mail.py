"""The outbox: a message is sent once it is committed, through real SMTP, and never lost."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, Row, select
from sqlmodel import Session

from services.catalogue.models import outbox
from services.common.database import create_db_engine
from services.common.mail import (
    Attachment,
    MailSettings,
    OutboxStatus,
    deliver_due,
    enqueue_mail,
    release_mail,
    transport_for,
)
from services.common.mail.delivery import FolderTransport
from tests.conftest import ClientFactory, Databases
from tests.mailbox import Mailbox, text_of


@pytest.fixture
def engine(databases: Databases) -> Iterator[Engine]:
    engine = create_db_engine(databases.urls["catalogue"], pool_size=2)
    yield engine
    engine.dispose()


def _enqueue(engine: Engine, settings: MailSettings, to: str, **extra: Any) -> int:
    with Session(engine) as session:
        message_id = enqueue_mail(
            session,
            outbox,
            settings,
            to=[to],
            subject="Votre lien de modification",
            text="Bonjour,\nvoici votre lien : https://exemple.test/#jeton\n",
            kind="edit-link",
            **extra,
        )
        session.commit()
    return message_id


def _row(engine: Engine, message_id: int) -> Row[Any]:
    with engine.connect() as connection:
        return connection.execute(select(outbox).where(outbox.c.id == message_id)).one()


def test_a_running_service_sends_its_outbox_by_smtp(
    engine: Engine, mailbox: Mailbox, client_for: ClientFactory
) -> None:
    client_for("catalogue")  # its background loop delivers
    message_id = _enqueue(engine, MailSettings(**mailbox.settings()), "agent@mairie.example")

    received = mailbox.wait_for("agent@mairie.example")
    assert received["Subject"] == "Votre lien de modification"
    assert "https://exemple.test/#jeton" in text_of(received)
    row = _row(engine, message_id)
    for _ in range(50):
        if row.status == OutboxStatus.SENT:
            break
        threading.Event().wait(0.05)
        row = _row(engine, message_id)
    assert row.status == OutboxStatus.SENT
    # The private link does not stay in the database once delivered.
    assert row.message is None


def test_a_refused_message_is_retried_until_it_goes(engine: Engine, mailbox: Mailbox) -> None:
    settings = MailSettings(**mailbox.settings())
    transport = transport_for(settings, service="catalogue")
    message_id = _enqueue(engine, settings, "dpo@departement.example")

    mailbox.refuse = True
    report = deliver_due(engine, outbox, settings, transport)
    assert (report.sent, report.retried) == (0, 1)
    row = _row(engine, message_id)
    assert row.status == OutboxStatus.PENDING
    assert row.message is not None
    assert "SMTPDataError" in row.last_error

    mailbox.refuse = False
    threading.Event().wait(0.3)  # the retry delay of the test settings
    assert deliver_due(engine, outbox, settings, transport).sent == 1
    assert mailbox.wait_for("dpo@departement.example")["Subject"] == "Votre lien de modification"


def test_after_the_last_attempt_the_message_is_kept_as_failed(engine: Engine) -> None:
    # Nothing listens on this port: every attempt fails.
    settings = MailSettings(
        smtp_host="127.0.0.1", smtp_port=1, smtp_security="none", max_attempts=1
    )
    message_id = _enqueue(engine, settings, "personne@example.org")
    report = deliver_due(engine, outbox, settings, transport_for(settings, service="catalogue"))
    assert report.failed == 1
    row = _row(engine, message_id)
    assert row.status == OutboxStatus.FAILED
    assert row.message is not None

    with Session(engine) as session:
        assert release_mail(session, outbox, [message_id]) == 1
        session.commit()
    assert _row(engine, message_id).status == OutboxStatus.PENDING


def test_a_rolled_back_change_sends_nothing(engine: Engine, mailbox: Mailbox) -> None:
    settings = MailSettings(**mailbox.settings())
    with Session(engine) as session:
        enqueue_mail(session, outbox, settings, to=["a@b.example"], subject="x", text="y", kind="k")
        session.rollback()
    report = deliver_due(engine, outbox, settings, transport_for(settings, service="catalogue"))
    assert report.sent == 0
    assert mailbox.messages == []


def test_a_held_message_waits_for_release(engine: Engine, mailbox: Mailbox) -> None:
    settings = MailSettings(**mailbox.settings())
    transport = transport_for(settings, service="catalogue")
    message_id = _enqueue(engine, settings, "membre@assemblee.example", held=True)
    assert deliver_due(engine, outbox, settings, transport).sent == 0

    with Session(engine) as session:
        release_mail(session, outbox, [message_id])
        session.commit()
    assert deliver_due(engine, outbox, settings, transport).sent == 1
    mailbox.wait_for("membre@assemblee.example")


def test_two_senders_at_once_send_each_message_once(engine: Engine) -> None:
    settings = MailSettings()
    sent: list[int] = []
    lock = threading.Lock()

    class Counting:
        def send(self, message: EmailMessage, *, message_id: int) -> str:
            with lock:
                sent.append(message_id)
            return "memory"

    ids = [_enqueue(engine, settings, f"n{i}@example.org") for i in range(20)]
    threads = [
        threading.Thread(target=deliver_due, args=(engine, outbox, settings, Counting()))
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(sent) == ids


def test_the_default_writes_eml_files_into_the_mail_folder(engine: Engine, tmp_path: Path) -> None:
    settings = MailSettings(folder=str(tmp_path / "mail"))
    _enqueue(
        engine,
        settings,
        "actrice@asso.example",
        calendar="BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n",
        attachments=[Attachment("contribution.txt", "text/plain", b"Notre avis")],
    )
    assert (
        deliver_due(engine, outbox, settings, transport_for(settings, service="auditions")).sent
        == 1
    )

    (path,) = (tmp_path / "mail").glob("*-auditions-*.eml")
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    assert message["To"] == "actrice@asso.example"
    calendar = next(part for part in message.walk() if part.get_content_type() == "text/calendar")
    assert calendar.get_param("method") == "REQUEST"
    assert any(part.get_filename() == "contribution.txt" for part in message.walk())


def test_mail_files_written_in_one_second_sort_in_sending_order(tmp_path: Path) -> None:
    """A reader taking the last name as the newest message gets the newest (7 before 45)."""
    transport = FolderTransport(tmp_path, "auditions")
    for message_id in (7, 45):
        message = EmailMessage()
        message["To"] = f"n{message_id}@asso.example"
        transport.send(message, message_id=message_id)
    newest = sorted(tmp_path.glob("*.eml"))[-1]
    assert (
        message_from_bytes(newest.read_bytes(), policy=policy.default)["To"] == "n45@asso.example"
    )
