"""A time budget for every request, and its work stopped when the client is gone.

Without them, a burst of slow searches whose clients gave up kept both cores busy answering
nobody, and the health check fell from 990 to 161 requests/s. So:

- each request carries a `Budget` (a deadline, and whether the client has left), set by
  `DeadlineMiddleware` in a context variable that the threads running the request's work see;
- on PostgreSQL each transaction of a request runs with `SET LOCAL statement_timeout` at the
  budget's remaining time, and on SQLite a progress handler interrupts a statement once the
  budget is spent: either way the database stops, and the request gets a 503 problem;
- when the client disconnects, the statements running for it are cancelled at once (psycopg's
  `cancel_safe`, SQLite's `interrupt`) and the request's task is cancelled.

Work outside a request (migrations, the outbox, the solver's runs, the command line) has no
budget: it is not limited here (the solver has its own time limit).
"""

from __future__ import annotations

import math
import sqlite3
import threading
import time
from contextvars import ContextVar
from typing import Any

import anyio
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Set in the request's scope when its client left before the answer.
CLIENT_GONE = "client_gone"
# How many SQLite virtual machine steps between two looks at the budget: about a millisecond.
_SQLITE_STEPS = 20_000


class Budget:
    """One request's deadline, whether its client left, and the database connections it holds
    (to cancel what they run)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.gone = threading.Event()
        self._connections: list[Any] = []
        self._lock = threading.Lock()

    def remaining_ms(self) -> int:
        return max(1, math.ceil((self.deadline - time.monotonic()) * 1000))

    def spent(self) -> bool:
        return self.gone.is_set() or time.monotonic() >= self.deadline

    def attach(self, dbapi_connection: Any) -> None:
        with self._lock:
            self._connections.append(dbapi_connection)

    def detach(self, dbapi_connection: Any) -> None:
        with self._lock:
            if dbapi_connection in self._connections:
                self._connections.remove(dbapi_connection)

    def abandon(self) -> None:
        """The client is gone: stop what the database runs for it."""
        self.gone.set()
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            if isinstance(connection, sqlite3.Connection):
                connection.interrupt()
            else:
                connection.cancel_safe()


current: ContextVar[Budget | None] = ContextVar("request_budget", default=None)


def _sqlite_interrupt() -> int:
    """SQLite's progress handler: a non-zero answer interrupts the statement."""
    budget = current.get()
    return 1 if budget is not None and budget.spent() else 0


def watch_engine(engine: Engine) -> None:
    """Bound the statements that `engine` runs for a request by the request's budget."""

    @event.listens_for(engine, "checkout")
    def _held(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        budget = current.get()
        if budget is not None:
            budget.attach(dbapi_connection)
            record.info["budget"] = budget

    @event.listens_for(engine, "checkin")
    def _released(dbapi_connection: Any, record: Any) -> None:
        budget = record.info.pop("budget", None)
        if budget is not None:
            budget.detach(dbapi_connection)

    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _handler(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
            dbapi_connection.set_progress_handler(_sqlite_interrupt, _SQLITE_STEPS)

        return

    @event.listens_for(engine, "begin")
    def _timeout(connection: Connection) -> None:
        budget = current.get()
        if budget is not None:
            # SET cannot take a bound parameter; the value is an integer computed here.
            connection.exec_driver_sql(f"SET LOCAL statement_timeout = {budget.remaining_ms()}")


class DeadlineMiddleware:
    """Give each HTTP request a budget of `seconds`, and cancel it when its client leaves.

    The client's departure is an `http.disconnect` message: it arrives on `receive` once the
    body has been read, so a watcher reads the messages the app has not asked for yet and keeps
    them for it."""

    def __init__(self, app: ASGIApp, *, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        budget = Budget(self.seconds)
        token = current.set(budget)
        try:
            await self._run(scope, receive, send, budget)
        finally:
            current.reset(token)

    async def _run(self, scope: Scope, receive: Receive, send: Send, budget: Budget) -> None:
        sender, waiting = anyio.create_memory_object_stream[Message](max_buffer_size=16)
        responded = anyio.Event()

        async def from_client() -> Message:
            return await waiting.receive()

        async def to_client(message: Message) -> None:
            if message["type"] == "http.response.body" and not message.get("more_body"):
                responded.set()
            await send(message)

        async def watch(cancel: anyio.CancelScope) -> None:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    if not responded.is_set():
                        scope[CLIENT_GONE] = True  # for the request's log line: a 499
                        budget.abandon()
                        cancel.cancel()
                    await sender.send(message)
                    return
                await sender.send(message)

        async with sender, waiting, anyio.create_task_group() as group:
            group.start_soon(watch, group.cancel_scope)
            await self.app(scope, from_client, to_client)
            group.cancel_scope.cancel()
