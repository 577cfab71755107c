"""The background loop that delivers a service's outbox while the service runs."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Engine, Table
from sqlalchemy.exc import SQLAlchemyError

from services.common.mail.delivery import deliver_due, transport_for
from services.common.mail.settings import MailSettings

logger = logging.getLogger(__name__)


class OutboxWorker:
    def __init__(self, engine: Engine, outbox: Table, settings: MailSettings, *, service: str):
        self.engine = engine
        self.outbox = outbox
        self.settings = settings
        self.transport = transport_for(settings, service=service)
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox")

    async def stop(self) -> None:
        """Let the round in progress finish (its thread cannot be cancelled), then stop."""
        if self._task is None:
            return
        self._stopping.set()
        await self._task

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                await run_in_threadpool(
                    deliver_due, self.engine, self.outbox, self.settings, self.transport
                )
            except SQLAlchemyError as error:
                # The database is away: the messages wait in it, try again next round.
                logger.warning("outbox not readable: %s", error.__class__.__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.settings.poll_seconds)
