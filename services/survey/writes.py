"""How the answering writes run: the hot path of the service (hundreds of autosaves a second).

A save is a few small statements and well under a millisecond of Python. What costs more is
around it: each hop to the thread pool, and, on SQLite, concurrent writers waiting in the busy
handler's sleeps (up to 100 ms each) or failing when a read transaction must become a write one.
So on SQLite a save runs on the event loop itself, start to commit: one at a time per process,
no thread hop, no lock to wait on (other processes are still covered by the busy timeout). On
PostgreSQL, whose writers run in parallel and whose waits are network round trips, a save makes
one hop to the thread pool, and saves of one response queue on the row lock of its invitation.
Reads and every other write use the ordinary request session.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from fastapi import FastAPI
from sqlalchemy.engine import Engine

T = TypeVar("T")

# Saves in flight at once on PostgreSQL: enough to overlap the round trips, few enough that the
# threads do not fight over the GIL and the connection pool (measured: 3 at once gives
# ~420 saves/s with p99 ~240 ms on 2 shared cores; 12 gives ~380/s with p99 ~450 ms).
PARALLEL_SAVES = 3
_GUARD = threading.Lock()


def _app_state(app: FastAPI) -> Any:
    """The app's writers' lock and limiter, made on first use (the limiter in the app's loop)."""
    with _GUARD:
        if not hasattr(app.state, "survey_writer_lock"):
            app.state.survey_writer_lock = threading.Lock()
            app.state.survey_save_limiter = None
    return app.state


async def writing(app: FastAPI, work: Callable[[], T]) -> T:
    """Run an answering write (which opens and commits its own transaction)."""
    engine: Engine = app.state.engine
    if engine.dialect.name == "sqlite":
        return work()
    state = _app_state(app)
    if state.survey_save_limiter is None:
        state.survey_save_limiter = anyio.CapacityLimiter(PARALLEL_SAVES)
    return await anyio.to_thread.run_sync(work, limiter=state.survey_save_limiter)


def one_writer(app: FastAPI) -> AbstractContextManager[object]:
    """For writes made in the thread pool (submission): one at a time on SQLite."""
    engine: Engine = app.state.engine
    if engine.dialect.name != "sqlite":
        return nullcontext()
    lock: threading.Lock = _app_state(app).survey_writer_lock
    return lock
