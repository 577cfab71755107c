"""Prometheus metrics: request count and latency per route template, served at `/metrics`."""

from __future__ import annotations

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import generate_latest
from starlette.types import Scope


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


def metrics_router(metrics: RequestMetrics) -> APIRouter:
    router = APIRouter(tags=["exploitation"])

    @router.get("/metrics", include_in_schema=False)
    def read_metrics() -> Response:
        """Métriques Prometheus du service."""
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return router
