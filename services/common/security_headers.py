"""The headers every API response carries, whatever answers it (a route, an error, CORS).

The APIs answer JSON (and CSV, XLSX, iCalendar downloads), never pages: their policy lets a
response load nothing and be framed by nobody, so a JSON body that a browser were tricked into
rendering could run nothing. `/docs` (services.common.api_docs) sets its own, which allows
the Swagger UI files the service serves itself. A route that sets one of these headers keeps
its own value.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

JSON_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'"
API_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": JSON_CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Resource-Policy": "same-site",
}


def hsts(max_age: int) -> str:
    return f"max-age={max_age}; includeSubDomains"


class SecurityHeadersMiddleware:
    """Add `API_HEADERS` (and HSTS when configured) to every HTTP response."""

    def __init__(self, app: ASGIApp, *, hsts_seconds: int = 0) -> None:
        self.app = app
        self.headers = dict(API_HEADERS)
        if hsts_seconds > 0:
            # Only where the services are reached over HTTPS (production): a browser keeps it.
            self.headers["Strict-Transport-Security"] = hsts(hsts_seconds)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, with_headers)
