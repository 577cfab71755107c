"""Fixtures and factories of the catalogue's API tests (both databases, as every API test).

`catalogue` is a client (its moderator signs in only when a test uses it); `fiche` inserts one
fiche through the domain code, published or not, without HTTP; `seeded` loads the 34 demo
fiches, for the tests about the demo or about search quality over it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlmodel import Session

from services.catalogue import workflow
from services.catalogue.models import UseCase, UseCaseStatus
from services.catalogue.seed import seed_catalogue
from services.common.database import create_db_engine
from tests.catalogue.support import COMPLETE, Catalogue
from tests.conftest import ClientFactory, Databases
from tests.mailbox import Mailbox

FicheFactory = Callable[..., UseCase]
Act = Callable[..., UseCase]


@pytest.fixture
def catalogue(databases: Databases, client_for: ClientFactory, mailbox: Mailbox) -> Catalogue:
    client = client_for("catalogue")
    return Catalogue(client=client, mailbox=mailbox, accounts_url=databases.urls["accounts"])


@pytest.fixture
def fiche(databases: Databases) -> Iterator[FicheFactory]:
    """Insert one fiche: `COMPLETE` with `content`'s changes, published unless told otherwise."""
    engine = create_db_engine(databases.urls["catalogue"], pool_size=1)

    def make(*, published: bool = True, **content: Any) -> UseCase:
        with Session(engine, expire_on_commit=False) as session:
            use_case = workflow.propose(
                session, content={**COMPLETE, **content}, submitter_email="agent@example.fr"
            )
            if published:
                workflow.publish(session, use_case)
            session.commit()
            return use_case

    yield make
    engine.dispose()


@pytest.fixture
def seeded(databases: Databases) -> Databases:
    engine = create_db_engine(databases.urls["catalogue"], pool_size=1)
    with Session(engine) as session:
        seed_catalogue(session)
        session.commit()
    engine.dispose()
    return databases


@pytest.fixture
def act(databases: Databases) -> Iterator[Act]:
    """`act(id, "update", title=…)` (a pending update), "publish", "retract" or "archive"."""
    engine = create_db_engine(databases.urls["catalogue"], pool_size=1)

    def apply(use_case_id: int, action: str, **changes: Any) -> UseCase:
        with Session(engine, expire_on_commit=False) as session:
            use_case = session.get(UseCase, use_case_id)
            assert use_case is not None
            if action == "update":
                workflow.update_draft(session, use_case, changes=changes)
            elif action == "publish":
                workflow.publish(session, use_case)
            else:
                status = {"retract": UseCaseStatus.RETRACTED, "archive": UseCaseStatus.ARCHIVED}
                workflow.withdraw(session, use_case, status=status[action], note=None)
            session.commit()
            return use_case

    yield apply
    engine.dispose()
