"""RGPD: one person's data found by `iat-admin personal-data export` in every database, gone
after `erase` (the aggregates and other people's data kept), and the retention rules."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Table, insert, select
from sqlmodel import Session, SQLModel

from services.auditions import models as auditions
from services.catalogue import models as catalogue
from services.cli import main as iat_admin
from services.common.auth.models import LoginAttempt, RateLimitHit
from services.common.database import create_db_engine
from services.common.mail import MailSettings, enqueue_mail
from services.common.private_links import REVOKED_PREFIX
from services.common.sql import utcnow
from services.databases import DATABASES
from services.personal_data import holder_of
from services.survey import models as survey
from tests.conftest import TEST_SECRET_KEY, Databases
from tests.helpers import add_staff

LEA = "lea.martin@ville.example.fr"
PAUL = "paul.durand@ville.example.fr"
ENV_NAMES = {
    "catalogue": "CATALOGUE_DATABASE_URL",
    "survey": "SURVEY_DATABASE_URL",
    "auditions": "AUDITIONS_DATABASE_URL",
    "accounts": "AUTH_DATABASE_URL",
}


@pytest.fixture
def cli(databases: Databases, monkeypatch: pytest.MonkeyPatch) -> Databases:
    for name, variable in ENV_NAMES.items():
        monkeypatch.setenv(variable, databases.urls[name])
    monkeypatch.setenv("AUTH_SECRET_KEY", TEST_SECRET_KEY)
    return databases


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    capsys.readouterr()
    assert iat_admin(list(argv)) == 0
    return capsys.readouterr().out


def table(model: type[SQLModel]) -> Table:
    found: Table = model.__table__  # type: ignore[attr-defined]
    return found


class Store:
    """Sessions on the four test databases, closed at the end of the test."""

    def __init__(self, urls: dict[str, str]) -> None:
        self.engines = {name: create_db_engine(url, pool_size=1) for name, url in urls.items()}

    def session(self, name: str) -> Session:
        return Session(self.engines[name], expire_on_commit=False)

    def rows(self, name: str, table: Table) -> list[Any]:
        with self.engines[name].connect() as connection:
            return list(connection.execute(select(table)).all())

    def close(self) -> None:
        for engine in self.engines.values():
            engine.dispose()


@pytest.fixture
def store(cli: Databases) -> Iterator[Store]:
    opened = Store(cli.urls)
    yield opened
    opened.close()


def mail(session: Session, outbox: Table, to: str, reference: str) -> None:
    enqueue_mail(
        session,
        outbox,
        MailSettings(),
        to=[to],
        subject="Objet",
        text="Lien",
        kind="test",
        reference=reference,
    )


def audit(session: Session, table: Table, email: str, *, days_ago: int = 0) -> None:
    session.connection().execute(
        insert(table).values(
            at=utcnow() - timedelta(days=days_ago),
            actor="staff:1",
            actor_name=email,
            method="POST",
            route="/x",
            target="{}",
        )
    )


def fill_catalogue(store: Store) -> None:
    with store.session("catalogue") as session:
        for email, title in ((LEA, "Tri des courriers"), (PAUL, "Chatbot des démarches")):
            session.add(
                catalogue.UseCase(
                    slug=title.lower().replace(" ", "-"),
                    title=title,
                    submitter_email=email,
                    edit_token_hash=email.split("@")[0].ljust(64, "0")[:64],
                    draft={"title": title},
                )
            )
        mail(session, catalogue.outbox, LEA.upper(), "use_case:1")
        mail(session, catalogue.outbox, PAUL, "use_case:2")
        audit(session, catalogue.audit_log, LEA)
        session.commit()


def fill_survey(store: Store, *, closes_on: date) -> int:
    with store.session("survey") as session:
        campaign = survey.Campaign(
            title="Observation 2026",
            description="",
            opens_on=closes_on - timedelta(days=30),
            closes_on=closes_on,
            slug=f"observation-{closes_on}",
        )
        session.add(campaign)
        session.flush()
        assert campaign.id is not None
        invitation = survey.Invitation(
            campaign_id=campaign.id,
            code="243500139",
            kind="epci",
            name="Rennes Métropole",
            band="200000+",
            emails=f"{LEA} {PAUL}",
            status="submitted",
        )
        session.add(invitation)
        session.flush()
        assert invitation.id is not None
        link = f"{closes_on:%Y%m%d}".ljust(64, "a")
        session.add(survey.InvitationLink(token_hash=link, invitation_id=invitation.id))
        session.add(
            survey.Answer(
                invitation_id=invitation.id,
                key="usage_ia",
                value="oui",
                revision=1,
                author="agent",
                updated_at=utcnow(),
            )
        )
        mail(session, survey.outbox, f"{LEA}, {PAUL}", f"invitation:{invitation.id}")
        session.commit()
        return invitation.id


def fill_auditions(store: Store, *, ends_on: date) -> None:
    with store.session("auditions") as session:
        event = auditions.Event(
            slug=f"auditions-{ends_on}",
            title="Auditions",
            description="",
            starts_on=ends_on - timedelta(days=5),
            ends_on=ends_on,
            location="Paris",
        )
        session.add(event)
        session.flush()
        assert event.id is not None
        actor = auditions.Actor(event_id=event.id, name="Association Numérique", kind="association")
        session.add(actor)
        session.flush()
        assert actor.id is not None
        contacts = [
            auditions.Contact(actor_id=actor.id, name=name, email=email)
            for name, email in (("Léa Martin", LEA), ("Paul Durand", PAUL))
        ]
        session.add_all(contacts)
        session.flush()
        for number, contact in enumerate(contacts):
            assert contact.id is not None
            session.add(
                auditions.Invitation(
                    event_id=event.id,
                    actor_id=actor.id,
                    contact_id=contact.id,
                    token_hash=f"{ends_on:%Y%m%d}{number}".ljust(64, "b"),
                    status="answered",
                    availability=[
                        {
                            "start": "2026-07-01T07:00:00Z",
                            "end": "2026-07-01T10:00:00Z",
                            "answer": "yes",
                        }
                    ],
                )
            )
        session.add(
            auditions.PanelMember(
                event_id=event.id,
                name="Léa Martin",
                email=LEA,
                role="member",
                feed_token_hash="c" * 64,
            )
        )
        mail(session, auditions.outbox, LEA, "event:1")
        session.commit()


def fill(store: Store, cli: Databases) -> None:
    fill_catalogue(store)
    fill_survey(store, closes_on=date.today() + timedelta(days=30))
    fill_auditions(store, ends_on=date.today() + timedelta(days=60))
    add_staff(cli.urls["accounts"], email=LEA, roles=["moderator"])
    with store.session("accounts") as session:
        session.add(LoginAttempt(email=LEA, address="192.0.2.1"))
        session.commit()


def exported(capsys: pytest.CaptureFixture[str], email: str) -> dict[str, Any]:
    document = json.loads(run(capsys, "personal-data", "export", "--email", email))
    services: dict[str, Any] = document["services"]
    return services


def tables_holding(services: dict[str, Any]) -> set[str]:
    return {
        f"{name}.{table}"
        for name, tables in services.items()
        for table, rows in tables.items()
        if rows
    }


def test_a_person_is_found_in_every_database_then_erased(
    cli: Databases, store: Store, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    fill(store, cli)

    before = exported(capsys, LEA.upper())
    assert tables_holding(before) == {
        "catalogue.use_case",
        "catalogue.outbox",
        "catalogue.audit_log",
        "survey.invitation",
        "survey.outbox",
        "auditions.contact",
        "auditions.invitation",
        "auditions.panel_member",
        "auditions.outbox",
        "accounts.staff_account",
        "accounts.login_attempt",
    }
    assert before["catalogue"]["use_case"][0]["title"] == "Tri des courriers"
    assert "password_hash" not in before["accounts"]["staff_account"][0]
    assert "token_hash" not in before["auditions"]["invitation"][0]
    # One service only, into a file only its owner may read.
    target = tmp_path / "lea.json"
    run(
        capsys,
        "personal-data",
        "export",
        "--email",
        LEA,
        "--service",
        "survey",
        "--output",
        str(target),
    )
    assert list(json.loads(target.read_text())["services"]) == ["survey"]
    assert target.stat().st_mode & 0o077 == 0

    out = run(capsys, "personal-data", "erase", "--email", LEA)
    assert "catalogue : use_case 1, outbox 1, audit_log 1" in out

    assert tables_holding(exported(capsys, LEA)) == set()
    text = json.dumps(
        [
            store.rows(name, holder)
            for name, holder in (
                ("catalogue", table(catalogue.UseCase)),
                ("catalogue", catalogue.outbox),
                ("survey", table(survey.Invitation)),
                ("survey", survey.outbox),
                ("auditions", table(auditions.Contact)),
                ("auditions", table(auditions.PanelMember)),
            )
        ],
        default=str,
    ).lower()
    assert LEA not in text
    # What is not personal stays: the fiches, the answers, the organisation's availability.
    titles = {row.title for row in store.rows("catalogue", table(catalogue.UseCase))}
    assert titles == {"Tri des courriers", "Chatbot des démarches"}
    assert len(store.rows("survey", table(survey.Answer))) == 1
    assert [row.emails for row in store.rows("survey", table(survey.Invitation))] == [PAUL]
    # The pending invitation to Léa and Paul still goes to Paul, and to him alone.
    (pending,) = store.rows("survey", survey.outbox)
    assert (pending.status, pending.recipients) == ("pending", PAUL)
    assert f"To: {PAUL}" in pending.message
    answered = store.rows("auditions", table(auditions.Invitation))
    assert all(row.availability for row in answered)
    # Paul is untouched.
    assert tables_holding(exported(capsys, PAUL)) >= {"catalogue.use_case", "auditions.contact"}
    # Each service's audit log records the erasure: counts, never the address.
    for name, log in (
        ("catalogue", catalogue.audit_log),
        ("survey", survey.audit_log),
        ("auditions", auditions.audit_log),
    ):
        entry = [row for row in store.rows(name, log) if row.method == "ERASE"]
        assert len(entry) == 1
        assert LEA not in entry[0].target
    # The account is anonymised, its failed sign-ins gone.
    accounts = exported(capsys, LEA)["accounts"]
    assert accounts == {"staff_account": [], "login_attempt": []}


def test_retention_removes_only_what_is_due(
    cli: Databases, store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    today = date.today()
    old_invitation = fill_survey(store, closes_on=today - timedelta(days=400))
    fill_survey(store, closes_on=today - timedelta(days=10))
    fill_auditions(store, ends_on=today - timedelta(days=400))
    fill_auditions(store, ends_on=today + timedelta(days=10))
    fill_catalogue(store)
    with store.session("catalogue") as session:
        fiche = session.scalars(
            select(catalogue.UseCase).where(catalogue.UseCase.submitter_email == LEA)  # type: ignore[arg-type]
        ).one()
        fiche.status = "rejected"
        fiche.updated_at = utcnow() - timedelta(days=400)
        session.add(fiche)
        audit(session, catalogue.audit_log, PAUL, days_ago=400)
        session.connection().execute(
            catalogue.outbox.update()
            .where(catalogue.outbox.c.recipients == LEA.upper())
            .values(status="sent", message=None, created_at=utcnow() - timedelta(days=100))
        )
        session.commit()
    with store.session("accounts") as session:
        session.add(LoginAttempt(email=LEA, address="192.0.2.1", at=utcnow() - timedelta(days=2)))
        session.add(LoginAttempt(email=PAUL, address="192.0.2.2"))
        session.add(
            RateLimitHit(bucket="public_submission", key="d" * 64, at=utcnow() - timedelta(days=2))
        )
        session.add(RateLimitHit(bucket="public_submission", key="e" * 64))
        session.commit()

    dry = run(capsys, "retention", "apply", "--dry-run")
    assert "à effacer" in dry
    assert (
        "survey : à effacer : invitation_link 1, invitation.emails 1, outbox 0, audit_log 0" in dry
    )
    assert len(store.rows("survey", table(survey.InvitationLink))) == 2  # nothing changed

    out = run(capsys, "retention", "apply")
    assert "catalogue : effacé(s) : use_case.submitter_email 1, outbox 1, audit_log 1" in out
    assert (
        "auditions : effacé(s) : invitation.token 2, feed_token 1, contact 2, panel_member 1" in out
    )
    assert "accounts : effacé(s) : login_attempt 1, rate_limit_hit 1" in out

    invitations = {row.id: row for row in store.rows("survey", table(survey.Invitation))}
    assert invitations.pop(old_invitation).emails is None
    assert [row.emails for row in invitations.values()] == [f"{LEA} {PAUL}"]
    assert [
        row.invitation_id for row in store.rows("survey", table(survey.InvitationLink))
    ] == list(invitations)
    contacts = store.rows("auditions", table(auditions.Contact))
    assert sorted(row.email for row in contacts) == ["", "", LEA, PAUL]
    tokens = [row.token_hash for row in store.rows("auditions", table(auditions.Invitation))]
    assert sum(token.startswith(REVOKED_PREFIX) for token in tokens) == 2
    fiches = {
        row.title: row.submitter_email for row in store.rows("catalogue", table(catalogue.UseCase))
    }
    assert fiches == {"Tri des courriers": None, "Chatbot des démarches": PAUL}
    assert [row.actor_name for row in store.rows("catalogue", catalogue.audit_log)] == [LEA]
    assert len(store.rows("accounts", table(LoginAttempt))) == 1
    assert len(store.rows("accounts", table(RateLimitHit))) == 1
    # Applied twice, nothing more is due.
    again = run(capsys, "retention", "apply")
    assert "invitation.token 0, feed_token 0, contact 0, panel_member 0" in again


def test_every_database_says_what_personal_data_it_holds() -> None:
    # A new database without its personal_data module would escape export, erasure, retention.
    for name in DATABASES:
        found = holder_of(name)
        assert callable(found.export)
        assert callable(found.erase)
        assert callable(found.retention)
        assert (found.record_erasure is None) == (name == "accounts")
