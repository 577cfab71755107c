"""Small builders shared by the API tests."""

from __future__ import annotations

from collections.abc import Sequence

import altcha
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlmodel import Session, SQLModel, select

from services.common.auth import accounts
from services.common.database import create_db_engine

PASSWORD = "un-mot-de-passe-solide"


def add_staff(
    accounts_url: str, *, email: str, roles: Sequence[str], password: str = PASSWORD
) -> str:
    """Create a staff account in the accounts store and return its e-mail."""
    engine = create_db_engine(accounts_url, pool_size=1)
    try:
        with Session(engine) as session:
            accounts.create_staff(session, email=email, name=email, password=password, roles=roles)
            session.commit()
    finally:
        engine.dispose()
    return email


def sign_in(client: TestClient, *, email: str, password: str = PASSWORD) -> Response:
    return client.post("/auth/token", data={"username": email, "password": password})


def bearer(client: TestClient, *, email: str, password: str = PASSWORD) -> dict[str, str]:
    """Authorization headers of a staff member signed in on `client`."""
    response = sign_in(client, email=email, password=password)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def private_link(token: str) -> dict[str, str]:
    """Authorization headers presenting a private link (the token of an e-mailed address)."""
    return {"Authorization": f"PrivateLink {token}"}


def proof_of_work(client: TestClient) -> dict[str, str]:
    """Headers with the solution of a fresh challenge of `client`'s service, solved for real
    (as the ALTCHA widget does in a browser): what an anonymous form must send."""
    challenge = altcha.Challenge.from_dict(client.get("/proof-of-work").json())
    solution = altcha.solve_challenge(challenge)
    assert solution is not None
    return {"Altcha": altcha.Payload(challenge, solution).to_base64()}


def assert_problem(response: Response, status: int) -> dict[str, object]:
    """The response is a problem+json document with `status` and a readable detail."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, object] = response.json()
    assert body["status"] == status
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert "Traceback" not in response.text
    return body


def id_of(database_url: str, model: type[SQLModel], *, slug: str) -> int:
    """The id a row got in the database (sequences differ between backends and runs)."""
    engine = create_db_engine(database_url, pool_size=1)
    try:
        with Session(engine) as session:
            row_id = session.exec(select(model.id).where(model.slug == slug)).one()  # type: ignore[attr-defined]
    finally:
        engine.dispose()
    assert isinstance(row_id, int)
    return row_id
