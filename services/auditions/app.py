"""The hearings service: the national hearings, their agenda and minutes."""

from __future__ import annotations

from fastapi import FastAPI

from services.auditions import (
    routes,
    routes_attachments,
    routes_events,
    routes_invitations,
    routes_releases,
    routes_schedule,
    routes_setup,
)
from services.auditions.models import audit_log, outbox
from services.auditions.public_agenda import RenderCache
from services.auditions.settings import AuditionsSettings, get_settings
from services.common.app_factory import build_service_app


def create_app(settings: AuditionsSettings | None = None) -> FastAPI:
    app = build_service_app(
        settings or get_settings(),
        name="auditions",
        title="Auditions nationales",
        description="Les auditions nationales : événements, salles, organisations auditionnées, "
        "disponibilités, planning, agenda public et comptes rendus.",
        routers=[
            routes.router,
            routes_events.router,
            routes_invitations.router,
            routes_schedule.router,
            routes_releases.router,
            routes_setup.router,
            routes_attachments.router,
        ],
        outbox=outbox,
        audit=audit_log,
    )
    # Rendered public agendas, per release (services.auditions.public_agenda).
    app.state.agenda_cache = RenderCache()
    return app
