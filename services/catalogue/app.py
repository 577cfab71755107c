"""The catalogue service: the bibliothèque d'IA territorialisées."""

from __future__ import annotations

from fastapi import FastAPI

from services.catalogue.ai_act import notices
from services.catalogue.models import audit_log, outbox
from services.catalogue.routes import routers
from services.catalogue.settings import CatalogueSettings, get_settings
from services.common.app_factory import build_service_app


def create_app(settings: CatalogueSettings | None = None) -> FastAPI:
    return build_service_app(
        settings or get_settings(),
        name="catalogue",
        title="Bibliothèque d'IA territorialisées",
        description="Cas d'usage de l'IA portés par les collectivités territoriales, en données ouvertes.",
        routers=routers(),
        outbox=outbox,
        audit=audit_log,
        on_start=notices.at_start,
    )
