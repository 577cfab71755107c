"""Fixtures of the catalogue's API tests (both databases, as every API test)."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from services.catalogue.seed import seed_catalogue
from services.common.database import create_db_engine
from tests.catalogue.support import Catalogue
from tests.conftest import ClientFactory, Databases
from tests.helpers import add_staff, bearer
from tests.mailbox import Mailbox


@pytest.fixture
def catalogue(databases: Databases, client_for: ClientFactory, mailbox: Mailbox) -> Catalogue:
    client = client_for("catalogue")
    add_staff(databases.urls["accounts"], email="moderatrice@example.org", roles=["moderator"])
    return Catalogue(
        client=client, mailbox=mailbox, moderator=bearer(client, email="moderatrice@example.org")
    )


@pytest.fixture
def seeded(databases: Databases) -> Databases:
    engine = create_db_engine(databases.urls["catalogue"], pool_size=1)
    with Session(engine) as session:
        seed_catalogue(session)
        session.commit()
    engine.dispose()
    return databases
