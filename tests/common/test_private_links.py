"""Private links, the one kernel module the three services use for their e-mailed links."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import MetaData
from sqlalchemy.orm import registry
from sqlmodel import Field, Session, SQLModel, create_engine

from services.common import private_links
from services.common.errors import install_error_handlers
from tests.helpers import assert_problem


class _Base(SQLModel, registry=registry(metadata=MetaData())):
    pass


class Linked(_Base, table=True):
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, index=True)


@pytest.fixture
def session() -> Iterator[Session]:
    engine = create_engine("sqlite://")
    _Base.metadata.create_all(engine)
    with Session(engine) as session:
        yield session
    engine.dispose()


def test_an_issued_token_is_long_random_and_only_its_digest_is_kept() -> None:
    first, second = private_links.issue(), private_links.issue()

    assert len(first.token) >= 43
    assert first.token != second.token
    assert first.digest == private_links.digest_of(first.token)
    assert first.token not in first.digest


def test_the_digest_is_the_sha256_already_stored_by_links_sent_before() -> None:
    # Links e-mailed before the kernel module keep working: the digest did not change.
    assert private_links.digest_of("abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )


def test_a_token_that_is_not_valid_text_is_unknown_rather_than_a_crash(session: Session) -> None:
    assert private_links.find(session, Linked, "token_hash", "\ud800") is None


def test_find_returns_the_row_of_a_token_and_nothing_for_another(session: Session) -> None:
    link = private_links.issue()
    session.add(Linked(token_hash=link.digest))
    session.commit()

    found = private_links.find(session, Linked, "token_hash", link.token)

    assert isinstance(found, Linked)
    assert found.token_hash == link.digest
    assert private_links.find(session, Linked, "token_hash", private_links.issue().token) is None


def test_a_revoked_link_matches_no_token_and_stays_unique(session: Session) -> None:
    link = private_links.issue()
    row = Linked(token_hash=link.digest)
    session.add(row)
    session.commit()

    row.token_hash = private_links.revoked_digest()
    session.add(Linked(token_hash=private_links.revoked_digest()))
    session.commit()

    assert private_links.find(session, Linked, "token_hash", link.token) is None
    assert not private_links.matches(row.token_hash, link.digest)
    assert not private_links.matches(None, link.digest)


@pytest.fixture
def client() -> TestClient:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/open")
    def open_link(token: private_links.LinkToken) -> dict[str, str]:
        return {"token": token}

    @app.get("/maybe")
    def maybe(token: private_links.OptionalLinkToken) -> dict[str, str | None]:
        return {"token": token}

    return TestClient(app)


def test_a_link_is_presented_with_its_own_scheme(client: TestClient) -> None:
    response = client.get("/open", headers={"Authorization": "PrivateLink abc"})

    assert response.json() == {"token": "abc"}
    assert client.get("/maybe", headers={"Authorization": "privatelink abc"}).json() == {
        "token": "abc"
    }


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer abc"},
        {"Authorization": "PrivateLink "},
        {"Authorization": "EditToken abc"},
    ],
)
def test_a_staff_token_or_nothing_is_not_a_private_link(
    client: TestClient, headers: dict[str, str]
) -> None:
    response = client.get("/open", headers=headers)

    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"] == "PrivateLink"
    assert client.get("/maybe", headers=headers).json() == {"token": None}
