"""The survey service: observation campaigns of the uses of AI, and the observatoire."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool

from services.common.app_factory import build_service_app
from services.survey.models import audit_log, outbox
from services.survey.observatory import publish, tallies
from services.survey.routes import routers
from services.survey.settings import SurveySettings, get_settings


def create_app(settings: SurveySettings | None = None) -> FastAPI:
    # The observatory's counts follow answering's writes (answering never imports them).
    tallies.follow_answering()
    app = build_service_app(
        settings or get_settings(),
        name="survey",
        title="Observatoire des usages de l'IA",
        description="Campagnes d'observation des usages de l'IA dans les collectivités, et leurs agrégats publics.",
        routers=routers,
        outbox=outbox,
        audit=audit_log,
    )
    _warming_up_the_estimators(app)
    return app


def _warming_up_the_estimators(app: FastAPI) -> None:
    """Once the app has started, import the observatory's estimators (NumPy and SciPy, about a
    second) in the background: importing the service does not load them, and the first request
    for results does not wait for them either (it waits at most for the import under way)."""
    kernel = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(inner: FastAPI) -> AsyncIterator[Any]:
        async with kernel(inner) as state:
            warming = threading.Thread(target=publish.warm_up, name="survey-warm-up")
            warming.start()
            try:
                yield state
            finally:
                # An import cannot be interrupted: a quick stop waits for it to end.
                await run_in_threadpool(warming.join)

    app.router.lifespan_context = lifespan
