"""The loop that solves queued runs while the service runs (one per replica)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import threading
import uuid

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from services.auditions.settings import AuditionsSettings
from services.auditions.solver.runs import claim_next, execute

logger = logging.getLogger(__name__)


def worker_name() -> str:
    """Unique per process, readable in the database: host, pid and a random suffix."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def run_once(
    engine: Engine, settings: AuditionsSettings, *, worker: str, stopping: threading.Event
) -> bool:
    """Claim and solve one run; False when nothing was waiting."""
    run_id = claim_next(engine, worker=worker, lease_seconds=settings.solver.lease_seconds)
    if run_id is None:
        return False
    execute(
        engine,
        run_id,
        worker=worker,
        lease_seconds=settings.solver.lease_seconds,
        threads=settings.solver.threads,
        stopping=stopping,
    )
    return True


class SolverWorker:
    def __init__(self, engine: Engine, settings: AuditionsSettings) -> None:
        self.engine = engine
        self.settings = settings
        self.name = worker_name()
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake = asyncio.Event()
        # Read by the solving thread: set on shutdown, the search stops and the run is requeued.
        self._stopping = threading.Event()

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._task = asyncio.create_task(self._run(), name="solver")

    def wake(self) -> None:
        """A run was just queued: look now rather than at the next poll.

        Called from the request's worker thread: an asyncio event is only set from its loop.
        """
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._wake.set)

    async def stop(self) -> None:
        if self._task is None:
            return
        self._stopping.set()
        self._wake.set()
        await self._task

    async def _run(self) -> None:
        while not self._stopping.is_set():
            busy = False
            # Cleared before looking, so a run queued while we look still wakes the next wait.
            self._wake.clear()
            try:
                busy = await asyncio.to_thread(
                    run_once, self.engine, self.settings, worker=self.name, stopping=self._stopping
                )
            except SQLAlchemyError as error:
                logger.warning("solver runs not readable: %s", error.__class__.__name__)
            if busy:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.settings.solver.poll_seconds)
