"""Each request has a time budget, and its work stops when its client leaves: a statement
past the budget is stopped by the database (a 503 problem, nothing saved), and one whose
client disconnected is cancelled at once, on SQLite and on PostgreSQL.

The slow work is a real statement of each database (PostgreSQL's pg_sleep, a long recursive
count on SQLite), served by a route added to the catalogue's app for the test."""

from __future__ import annotations

import socket
import threading
import time

import httpx
import pytest
from fastapi import APIRouter
from sqlalchemy import text

from services.common.database import SessionDep
from tests.common.test_sign_in_throttling import served
from tests.conftest import ClientFactory, Databases
from tests.helpers import assert_problem

# About a minute of work on either database if nothing stops it.
SLOW = {
    "postgresql": "SELECT pg_sleep(60)",
    "sqlite": (
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3000000000) "
        "SELECT count(*) FROM n"
    ),
}


class SlowWork:
    """A route whose statement takes a minute, and when each of its runs ended."""

    def __init__(self, backend: str) -> None:
        self.started = threading.Event()
        self.ended: list[float] = []
        self.router = APIRouter()
        statement = SLOW[backend]

        @self.router.post("/essai/lent")
        def slow_statement(session: SessionDep) -> dict[str, str]:
            try:
                session.exec(text("CREATE TABLE IF NOT EXISTS essai_note (t TEXT)"))  # type: ignore[call-overload]
                session.exec(text("INSERT INTO essai_note VALUES ('écrit avant')"))  # type: ignore[call-overload]
                self.started.set()
                session.exec(text(statement))  # type: ignore[call-overload]
            finally:
                self.ended.append(time.monotonic())
            return {"fini": "oui"}


def _notes(session_url: str) -> int:
    from services.common.database import create_db_engine

    engine = create_db_engine(session_url, pool_size=1)
    try:
        with engine.connect() as connection:
            if not engine.dialect.has_table(connection, "essai_note"):
                return 0
            return int(connection.execute(text("SELECT count(*) FROM essai_note")).scalar_one())
    finally:
        engine.dispose()


def test_a_statement_past_the_budget_is_stopped_and_saves_nothing(
    client_for: ClientFactory, databases: Databases
) -> None:
    client = client_for("catalogue", request_deadline_seconds=0.5)
    work = SlowWork(databases.backend)
    client.app.include_router(work.router)  # type: ignore[attr-defined]

    response = client.post("/essai/lent")

    body = assert_problem(response, 503)
    assert "plus de temps" in str(body["detail"])
    assert response.headers["Retry-After"] == "5"
    assert _notes(databases.urls["catalogue"]) == 0  # the insert before it rolled back
    # The other requests go on.
    assert client.get("/health").status_code == 200


@pytest.fixture
def slow_server(client_for: ClientFactory, databases: Databases):  # type: ignore[no-untyped-def]
    client = client_for("catalogue")  # the default budget: 30 s, far above the test's wait
    work = SlowWork(databases.backend)
    client.app.include_router(work.router)  # type: ignore[attr-defined]
    with served(client.app) as base:
        yield base, work


def test_a_client_that_leaves_stops_its_statement(slow_server, databases: Databases) -> None:  # type: ignore[no-untyped-def]
    base, work = slow_server
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as client:
        client.sendall(
            f"POST /essai/lent HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\n\r\n".encode()
        )
        assert work.started.wait(30), "la requête n'a pas commencé"
    left = time.monotonic()  # the client has closed its connection: it left
    while not work.ended and time.monotonic() - left < 10:
        time.sleep(0.05)

    assert work.ended, "la requête abandonnée tourne encore"
    assert work.ended[0] - left < 5  # a minute of work, stopped at the client's departure
    assert _notes(databases.urls["catalogue"]) == 0
    assert httpx.get(f"{base}/health", timeout=5).status_code == 200
