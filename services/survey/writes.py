"""How the answering writes run: the hot path of the service (hundreds of autosaves a second).

A save is a few small statements and well under a millisecond of Python. What costs more is
around it: each hop to the thread pool, and, on SQLite, concurrent writers waiting in the busy
handler's sleeps (up to 100 ms each) or failing when a read transaction must become a write one.
So on SQLite a save runs on the event loop itself, start to commit: one at a time per process,
no thread hop, no lock to wait on (other processes are still covered by the busy timeout). On
PostgreSQL, whose writers run in parallel and whose waits are network round trips, a save makes
one hop to the thread pool, and saves of one response queue on the row lock of its invitation.
Reads and every other write use the ordinary request session. The routes pass the engine in;
this module knows nothing of HTTP.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TypeVar

import anyio
import anyio.to_thread
from sqlalchemy.engine import Engine

T = TypeVar("T")

# Saves in flight at once on PostgreSQL: enough to overlap the round trips, few enough that the
# threads do not fight over the GIL and the connection pool (measured: 3 at once gives
# ~420 saves/s with p99 ~240 ms on 2 shared cores; 12 gives ~380/s with p99 ~450 ms).
PARALLEL_SAVES = 3
_GUARD = threading.Lock()


@dataclass
class _Writers:
    turn: anyio.Semaphore | None = None
    limiter: anyio.CapacityLimiter | None = None


# One lock and one limiter per database (an app has one engine), made on first use.
_WRITERS: weakref.WeakKeyDictionary[Engine, _Writers] = weakref.WeakKeyDictionary()


def _writers(engine: Engine) -> _Writers:
    with _GUARD:
        return _WRITERS.setdefault(engine, _Writers())


async def writing(engine: Engine, work: Callable[[], T]) -> T:
    """Run an answering write (which opens and commits its own transaction)."""
    if engine.dialect.name == "sqlite":
        return work()
    writers = _writers(engine)
    if writers.limiter is None:  # made in the app's event loop
        writers.limiter = anyio.CapacityLimiter(PARALLEL_SAVES)
    return await anyio.to_thread.run_sync(work, limiter=writers.limiter)


@asynccontextmanager
async def one_writer(engine: Engine) -> AsyncIterator[None]:
    """For writes made in the thread pool (submission): one at a time on SQLite. Waiting
    writers wait on the event loop, not in a thread: a holder always finds a thread to finish."""
    if engine.dialect.name != "sqlite":
        yield
        return
    writers = _writers(engine)
    if writers.turn is None:  # made in the app's event loop
        writers.turn = anyio.Semaphore(1)
    async with writers.turn:
        yield
