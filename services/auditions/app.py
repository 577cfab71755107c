"""The hearings service: the national hearings, their agenda and minutes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from services.auditions.models import audit_log, outbox
from services.auditions.public_agenda import RenderCache
from services.auditions.routes import routers
from services.auditions.settings import AuditionsSettings, get_settings
from services.auditions.solver.worker import SolverWorker
from services.common.app_factory import build_service_app


def create_app(settings: AuditionsSettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = build_service_app(
        settings,
        name="auditions",
        title="Auditions nationales",
        description="Les auditions nationales : événements, salles, organisations auditionnées, "
        "disponibilités, planning, agenda public et comptes rendus.",
        routers=routers,
        outbox=outbox,
        audit=audit_log,
    )
    # Rendered public agendas, per release (services.auditions.public_agenda).
    app.state.agenda_cache = RenderCache()
    _with_solver_worker(app, settings)
    return app


def _with_solver_worker(app: FastAPI, settings: AuditionsSettings) -> None:
    """Run the solver worker inside the kernel's lifespan (started after it, stopped before)."""
    kernel = app.router.lifespan_context
    app.state.solver_worker = None

    @asynccontextmanager
    async def lifespan(inner: FastAPI) -> AsyncIterator[Any]:
        async with kernel(inner) as state:
            worker = None
            if settings.solver.worker:
                worker = SolverWorker(app.state.engine, settings)
                worker.start()
                app.state.solver_worker = worker
            try:
                yield state
            finally:
                if worker is not None:
                    await worker.stop()

    app.router.lifespan_context = lifespan
