"""Database engines and the request-scoped session.

SQLite is the embedded default (one file per service); PostgreSQL is production. The engine
is built from a URL by `create_db_engine`, never at import time.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

from services.common.valid_text import load_stored_json

SQLITE_BUSY_TIMEOUT_MS = 5000


def _prepare_sqlite_file(url: str) -> None:
    """Create the folder of a file database so a fresh clone needs no manual step."""
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def _on_sqlite_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # WAL lets readers proceed while one writer commits; foreign keys are off by default
    # in SQLite; the busy timeout makes concurrent writers wait instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_db_engine(url: str, *, pool_size: int = 5) -> Engine:
    """Build the engine for `url` with the settings each backend needs."""
    if make_url(url).get_backend_name() == "sqlite":
        _prepare_sqlite_file(url)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False},
            hide_parameters=True,
            json_deserializer=load_stored_json,
        )
        event.listen(engine, "connect", _on_sqlite_connect)
        return engine
    # pre_ping replaces connections the server closed (restart, failover) so the service
    # recovers by itself once the database is back.
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size * 2,
        pool_pre_ping=True,
        pool_recycle=1800,
        pool_timeout=5,
        connect_args={"connect_timeout": 3},
        # Bound values (e-mails, free text) must never reach the logs through an error.
        hide_parameters=True,
        # A lone surrogate stored in a JSON column before text was checked at the edge
        # reads back as U+FFFD, so that no page or export fails on it.
        json_deserializer=load_stored_json,
    )


def get_session(request: Request) -> Iterator[Session]:
    """The request's session: committed when the route succeeds, rolled back otherwise.

    Domain code only flushes; this is the single place where a request's work is committed.
    It runs with `scope="function"` so the commit happens before the response is sent: a
    failed commit becomes an error response, never a success that was not saved.
    """
    engine: Engine = request.app.state.engine
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def database_engine(request: Request) -> Engine:
    """The app's engine, for the hot paths that run a short transaction without a session."""
    engine: Engine = request.app.state.engine
    return engine


EngineDep = Annotated[Engine, Depends(database_engine)]


def database_is_reachable(engine: Engine) -> bool:
    """True when a trivial query succeeds; used by `/ready`."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        return False
    return True
