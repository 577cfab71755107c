"""The hearings service: the national hearings, their agenda and minutes."""

from __future__ import annotations

from fastapi import FastAPI

from services.auditions.models import outbox
from services.auditions.routes import router
from services.auditions.settings import AuditionsSettings, get_settings
from services.common.app_factory import build_service_app


def create_app(settings: AuditionsSettings | None = None) -> FastAPI:
    return build_service_app(
        settings or get_settings(),
        name="auditions",
        title="Auditions nationales",
        description="Les auditions nationales : événements, salles, organisations auditionnées, agenda public.",
        routers=[router],
        outbox=outbox,
    )
