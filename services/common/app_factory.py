"""Assemble a service's FastAPI app: the kernel every service shares, then its own routes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from asgi_correlation_id import CorrelationIdMiddleware
from fastapi import APIRouter, FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy import Engine, Table

from services.common.api_docs import install_api_docs
from services.common.auth.alerts import SignInAlerts
from services.common.auth.authenticator import Authenticator
from services.common.auth.routes import router as auth_router
from services.common.body_limits import BodyLimits
from services.common.database import create_db_engine
from services.common.deadlines import DeadlineMiddleware, watch_engine
from services.common.errors import install_error_handlers
from services.common.health import health_router
from services.common.logs import configure_logging
from services.common.mail import OutboxWorker
from services.common.metrics import RequestMetrics, metrics_router
from services.common.middleware import (
    BodySizeLimitMiddleware,
    RequestObserverMiddleware,
    UnexpectedErrorMiddleware,
    ValidTextMiddleware,
)
from services.common.openapi import install_problem_documentation, operation_id
from services.common.proof_of_work import HEADER as PROOF_OF_WORK_HEADER
from services.common.proof_of_work import proof_of_work_router
from services.common.rate_limits import RateLimiter
from services.common.security_headers import SecurityHeadersMiddleware
from services.common.settings import ServiceSettings
from services.common.territories.routes import territories_router
from services.common.territories.search import get_index


def build_service_app(
    settings: ServiceSettings,
    *,
    name: str,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    outbox: Table | None = None,
    audit: Table | None = None,
    on_start: Callable[[Engine, Any], None] | None = None,
) -> FastAPI:
    """The app of service `name`, with its engine, authentication and kernel routes.

    With an `outbox` table, the app also delivers that outbox in the background; with an
    `audit` table, it records there what staff do (services.common.audit); `on_start(engine,
    settings)` runs once as the app starts, before its first request.
    """
    configure_logging(level=settings.log_level, json=settings.log_json)
    engine = create_db_engine(settings.database_url)
    watch_engine(engine)
    accounts_engine = create_db_engine(settings.auth.database_url, pool_size=5)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Load the territories index before the first request rather than during it.
        await run_in_threadpool(get_index)
        if on_start is not None:
            await run_in_threadpool(on_start, engine, settings)
        worker = None
        if outbox is not None and settings.mail.worker:
            worker = OutboxWorker(engine, outbox, settings.mail, service=name)
            worker.start()
        yield
        if worker is not None:
            await worker.stop()
        engine.dispose()
        accounts_engine.dispose()

    # /docs is served from the pinned Swagger UI package (services.common.api_docs), not
    # FastAPI's pages, which load their scripts from a CDN.
    app = FastAPI(
        title=title,
        description=description,
        version="0.1.0",
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.authenticator = Authenticator(settings.auth, accounts_engine)
    app.state.audit_table = audit
    app.state.rate_limiter = limiter = RateLimiter(
        accounts_engine, settings.rate_limits, secret=settings.auth.signing_key()
    )
    if outbox is not None:
        alerts = SignInAlerts(
            engine=engine, outbox=outbox, mail=settings.mail, auth=settings.auth, limiter=limiter
        )
        app.state.authenticator.on_failure = alerts.repeated_failures

    install_error_handlers(app)
    metrics = RequestMetrics(name)
    _install_middleware(app, settings, metrics)
    app.include_router(health_router(engine, accounts_engine))
    app.include_router(metrics_router(metrics, token=settings.metrics.token))
    app.include_router(auth_router)
    app.include_router(proof_of_work_router())
    app.include_router(territories_router())
    for router in routers:
        app.include_router(router)
    install_problem_documentation(app)
    install_api_docs(app)
    return app


def _install_middleware(app: FastAPI, settings: ServiceSettings, metrics: RequestMetrics) -> None:
    # Each call wraps the previous ones: the last added runs first. So the request id exists
    # before anything logs, and even a 500 goes out with CORS headers and its request id.
    # Innermost, the budget: around the work only, and told of a client gone by the messages
    # the outer layers pass on.
    app.add_middleware(DeadlineMiddleware, seconds=settings.request_deadline_seconds)
    app.add_middleware(UnexpectedErrorMiddleware)
    # Inside the size limit, so a body is read whole only once it is known to be small enough.
    # The limit of each route is read from the document at the first request (the lambda: the
    # documented one, which install_problem_documentation sets later).
    app.add_middleware(ValidTextMiddleware)
    app.add_middleware(
        BodySizeLimitMiddleware, limits=BodyLimits(settings.max_body_bytes, lambda: app.openapi())
    )
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=[
            "Authorization",
            "Content-Type",
            "If-Match",
            "X-Request-ID",
            PROOF_OF_WORK_HEADER,
        ],
        expose_headers=["ETag", "X-Request-ID", "Retry-After"],
    )
    app.add_middleware(RequestObserverMiddleware, metrics=metrics)
    app.add_middleware(CorrelationIdMiddleware, header_name="X-Request-ID")
    # Outermost: every answer gets them, a CORS preflight or a 500 included.
    app.add_middleware(SecurityHeadersMiddleware, hsts_seconds=settings.hsts_seconds)
