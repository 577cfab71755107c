"""Liveness (`/health`) and readiness (`/ready`: the database answers)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel
from sqlalchemy.engine import Engine

from services.common.database import database_is_reachable
from services.common.errors import ServiceUnavailable


class HealthStatus(BaseModel):
    status: str


def health_router(*engines: Engine) -> APIRouter:
    router = APIRouter(tags=["exploitation"])

    @router.get("/health")
    def health() -> HealthStatus:
        """Le processus répond (vivacité)."""
        return HealthStatus(status="ok")

    @router.get("/ready", responses={503: {"description": "Base de données injoignable"}})
    async def ready() -> HealthStatus:
        """Le service peut servir des requêtes : ses bases de données répondent."""
        for engine in engines:
            if not await run_in_threadpool(database_is_reachable, engine):
                raise ServiceUnavailable(
                    "La base de données ne répond pas.", headers={"Retry-After": "5"}
                )
        return HealthStatus(status="ready")

    return router
