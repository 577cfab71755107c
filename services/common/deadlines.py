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

import asyncio
import contextlib
import math
import sqlite3
import time
from collections import deque
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
    (to cancel what they run).

    Made for every request, so kept light: no lock nor event. `gone` is only ever set to True
    (by the event loop) and read (by the request's threads); a list's append, remove and copy
    are atomic in CPython."""

    __slots__ = ("_connections", "deadline", "gone", "seconds")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.gone = False
        self._connections: list[Any] = []

    def remaining_ms(self) -> int:
        return max(1, math.ceil((self.deadline - time.monotonic()) * 1000))

    def spent(self) -> bool:
        return self.gone or time.monotonic() >= self.deadline

    def attach(self, dbapi_connection: Any) -> None:
        self._connections.append(dbapi_connection)

    def detach(self, dbapi_connection: Any) -> None:
        with contextlib.suppress(ValueError):
            self._connections.remove(dbapi_connection)

    def abandon(self) -> None:
        """The client is gone: stop what the database runs for it."""
        self.gone = True
        for connection in list(self._connections):
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


class _Client:
    """The request's `receive`, shared by the app and the watcher without two reads at once.

    The watcher reads the next message ahead of the app (a future the app takes over if it
    asks meanwhile); what the app has not taken is kept for it."""

    def __init__(self, receive: Receive) -> None:
        self._receive = receive
        self._kept: deque[Message] = deque()
        self._next: asyncio.Future[Message] | None = None
        self.reading = False

    async def receive(self) -> Message:
        if self._kept:
            return self._kept.popleft()
        if self._next is not None:
            ahead, self._next = self._next, None
            return await ahead
        self.reading = True
        try:
            return await self._receive()
        finally:
            self.reading = False

    def close(self) -> None:
        """The request is over: stop the read ahead, if any."""
        if self._next is not None:
            self._next.cancel()

    async def until_gone(self) -> None:
        """Return when the client has disconnected."""
        while True:
            ahead = self._next = asyncio.ensure_future(self._receive())
            message = await asyncio.shield(ahead)
            if self._next is ahead:  # the app did not take it: keep it for the app
                self._next = None
                self._kept.append(message)
            if message["type"] == "http.disconnect":
                return


class DeadlineMiddleware:
    """Give each HTTP request a budget of `seconds`, and cancel it when its client leaves.

    The client's departure is an `http.disconnect` message on `receive`. Watching for it costs
    a task per request, so it starts only for a request still running after `WATCH_AFTER`
    seconds: the many quick ones (a health check answers in a millisecond) pay one timer."""

    WATCH_AFTER = 0.05

    def __init__(self, app: ASGIApp, *, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        budget = Budget(self.seconds)
        token = current.set(budget)
        client = _Client(receive)
        responded = False
        watcher: asyncio.Task[None] | None = None
        timer: asyncio.TimerHandle | None = None

        async def to_client(message: Message) -> None:
            nonlocal responded
            if message["type"] == "http.response.body" and not message.get("more_body"):
                responded = True
            await send(message)

        async def watch() -> None:
            await client.until_gone()
            if not responded:
                scope[CLIENT_GONE] = True  # for the request's log line: a 499
                budget.abandon()
                cancel.cancel()

        def start_watching() -> None:
            nonlocal watcher, timer
            if client.reading:  # the app is reading the body: look again later
                timer = loop.call_later(self.WATCH_AFTER, start_watching)
                return
            watcher = asyncio.ensure_future(watch())

        loop = asyncio.get_running_loop()
        timer = loop.call_later(self.WATCH_AFTER, start_watching)
        # Cancelled through anyio (as Starlette's own code expects), not by cancelling the task.
        cancel = anyio.CancelScope()
        try:
            with cancel:
                await self.app(scope, client.receive, to_client)
        finally:
            if timer is not None:
                timer.cancel()
            if watcher is not None:
                watcher.cancel()
            client.close()
            current.reset(token)
