"""The survey service: observation campaigns of the uses of AI, and the observatoire."""

from __future__ import annotations

from fastapi import FastAPI

from services.common.app_factory import build_service_app
from services.survey.models import audit_log, outbox
from services.survey.observatory import tallies
from services.survey.routes import routers
from services.survey.settings import SurveySettings, get_settings


def create_app(settings: SurveySettings | None = None) -> FastAPI:
    # The observatory's counts follow answering's writes (answering never imports them).
    tallies.follow_answering()
    return build_service_app(
        settings or get_settings(),
        name="survey",
        title="Observatoire des usages de l'IA",
        description="Campagnes d'observation des usages de l'IA dans les collectivités, et leurs agrégats publics.",
        routers=routers,
        outbox=outbox,
        audit=audit_log,
    )
