"""Prometheus metrics: request count and latency per route template, served at `/metrics`
to the scraper only (`Authorization: Bearer <METRICS_TOKEN>`)."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Depends, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import generate_latest
from pydantic import SecretStr
from starlette.types import Scope

from services.common.errors import NotFound, Unauthorized

NOT_CONFIGURED = "Métriques non servies : aucun jeton de collecte n'est configuré (METRICS_TOKEN)."
REFUSED = "Jeton de collecte des métriques absent ou incorrect."

_bearer = HTTPBearer(auto_error=False)


class RequestMetrics:
    """The collectors of one app; one registry per app so test apps never collide."""

    def __init__(self, service: str) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "http_requests_total",
            "HTTP requests handled.",
            ["service", "method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "Time spent handling HTTP requests.",
            ["service", "method", "route"],
            registry=self.registry,
        )
        self.service = service

    def observe(self, scope: Scope, *, status: int, seconds: float) -> None:
        labels = (self.service, scope["method"], _route_template(scope))
        self.requests.labels(*labels, str(status)).inc()
        self.latency.labels(*labels).observe(seconds)


def _route_template(scope: Scope) -> str:
    # Label by template (`/use-cases/{use_case_id}`), never by raw path, so that label
    # cardinality stays bounded whatever clients request. The router records the matched
    # route in the scope it shares with the middleware.
    return str(getattr(scope.get("route"), "path", "unmatched"))


def metrics_router(metrics: RequestMetrics, *, token: SecretStr | None) -> APIRouter:
    router = APIRouter(tags=["exploitation"])
    expected = token.get_secret_value().encode() if token else None

    @router.get("/metrics", include_in_schema=False)
    def read_metrics(
        credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),
    ) -> Response:
        """Métriques Prometheus du service, pour le collecteur seulement."""
        if expected is None:
            raise NotFound(NOT_CONFIGURED)
        given = credentials.credentials.encode() if credentials else b""
        if not hmac.compare_digest(given, expected):
            raise Unauthorized(REFUSED)
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return router
