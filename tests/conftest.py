"""Fixtures shared by every test: one set of migrated databases per backend.

Every API test runs twice, on SQLite and on PostgreSQL. The PostgreSQL databases are
created for the run and dropped at its end. When PostgreSQL does not answer, its tests skip
with the reason, or fail when REQUIRE_POSTGRES=1 (as in CI).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from alembic import command
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import MetaData, delete
from sqlalchemy.engine import make_url
from sqlmodel import Session

from services.auditions.app import create_app as create_auditions_app
from services.auditions.settings import AuditionsSettings
from services.catalogue.app import create_app as create_catalogue_app
from services.catalogue.settings import CatalogueSettings
from services.cli import alembic_config
from services.common.database import create_db_engine
from services.common.settings import AuthSettings, ServiceSettings
from services.databases import DATABASES
from services.survey.app import create_app as create_survey_app
from services.survey.settings import SurveySettings
from tests.mailbox import Mailbox

POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
TEST_SECRET_KEY = "clef-de-test-" + "x" * 40
SERVICES: dict[str, tuple[Callable[[Any], FastAPI], type[ServiceSettings]]] = {
    "catalogue": (create_catalogue_app, CatalogueSettings),
    "survey": (create_survey_app, SurveySettings),
    "auditions": (create_auditions_app, AuditionsSettings),
}
METADATA: dict[str, MetaData] = {name: database.metadata for name, database in DATABASES.items()}


def _flag(name: str) -> bool:
    return os.environ.get(name, "") not in ("", "0", "false")


def postgres_problem() -> str | None:
    """Why PostgreSQL cannot be used here, or None when it answers."""
    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3):
            return None
    except psycopg.Error as error:
        return f"PostgreSQL ne répond pas sur {POSTGRES_ADMIN_URL} ({error.__class__.__name__})"


def require_postgres() -> None:
    problem = postgres_problem()
    if problem is None:
        return
    if _flag("REQUIRE_POSTGRES"):
        pytest.fail(f"REQUIRE_POSTGRES=1 mais {problem}")
    pytest.skip(problem)


class PostgresDatabases:
    """Creates throw-away databases on the test server and drops them afterwards."""

    def __init__(self) -> None:
        self.created: list[str] = []

    def create(self, label: str) -> str:
        name = f"iat_test_{label}_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        url = make_url(POSTGRES_ADMIN_URL).set(drivername="postgresql+psycopg", database=name)
        return url.render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
            for name in self.created:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[PostgresDatabases]:
    require_postgres()
    databases = PostgresDatabases()
    yield databases
    databases.drop_all()


def empty_database_url(
    backend: str, label: str, *, tmp_path: Path, request: pytest.FixtureRequest
) -> str:
    """A new empty database of `backend`, dropped at the end of the run."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / label}.db"
    postgres: PostgresDatabases = request.getfixturevalue("postgres_databases")
    return postgres.create(label)


@dataclass(frozen=True)
class Databases:
    backend: str
    urls: dict[str, str]

    def auth_settings(self, **overrides: object) -> AuthSettings:
        return AuthSettings.model_validate(
            {
                "database_url": self.urls["accounts"],
                "secret_key": SecretStr(TEST_SECRET_KEY),
                **overrides,
            }
        )


def migrate(name: str, url: str) -> None:
    config = alembic_config(name, database_url=url)
    config.attributes["configure_logging"] = False
    command.upgrade(config, "head")


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgresql":
        require_postgres()
    return str(request.param)


@pytest.fixture(scope="session")
def migrated_databases(
    backend: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Databases:
    """The four databases of one backend, migrated once for the whole run."""
    folder = tmp_path_factory.mktemp(f"db-{backend}")
    urls = {
        name: empty_database_url(backend, name, tmp_path=folder, request=request)
        for name in METADATA
    }
    for name, url in urls.items():
        migrate(name, url)
    return Databases(backend=backend, urls=urls)


@pytest.fixture
def databases(migrated_databases: Databases) -> Iterator[Databases]:
    """Migrated databases, emptied after the test so that no test sees another's rows."""
    yield migrated_databases
    for name, metadata in METADATA.items():
        engine = create_db_engine(migrated_databases.urls[name], pool_size=1)
        try:
            with Session(engine) as session:
                for table in reversed(metadata.sorted_tables):
                    session.execute(delete(table))
                session.commit()
        finally:
            engine.dispose()


ClientFactory = Callable[..., TestClient]


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[Mailbox]:
    """One real SMTP server on loopback for the whole run."""
    mailbox = Mailbox()
    mailbox.start()
    yield mailbox
    mailbox.stop()


@pytest.fixture
def mailbox(smtp_server: Mailbox) -> Mailbox:
    """The SMTP server's messages, emptied for each test."""
    smtp_server.clear()
    return smtp_server


@pytest.fixture
def client_for(databases: Databases, mailbox: Mailbox) -> Iterator[ClientFactory]:
    """Start a service on the test databases: `client_for("catalogue", max_body_bytes=2048)`.

    Its e-mail goes through SMTP to `mailbox`; `mail={...}` overrides MAIL_ settings.
    """
    with ExitStack() as stack:

        def start(
            service: str,
            *,
            auth: dict[str, Any] | None = None,
            mail: dict[str, Any] | None = None,
            **overrides: Any,
        ) -> TestClient:
            create_app, settings_class = SERVICES[service]
            settings = settings_class.model_validate(
                {
                    "database_url": databases.urls[service],
                    "auth": databases.auth_settings(**(auth or {})),
                    "mail": {**mailbox.settings(), **(mail or {})},
                    **overrides,
                }
            )
            return stack.enter_context(TestClient(create_app(settings)))

        yield start
