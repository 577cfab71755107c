"""ASGI middleware of every service: body size limit, valid text, catch-all 500, one record per
request."""

from __future__ import annotations

import logging
import time

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.common import request_text
from services.common.body_limits import BodyLimits
from services.common.deadlines import CLIENT_GONE
from services.common.errors import INTERNAL_ERROR, problem_response
from services.common.metrics import RequestMetrics
from services.common.valid_text import InvalidText, shown

logger = logging.getLogger("services.requests")
# Logged for a request whose client left before the answer (nginx's code for it).
CLIENT_CLOSED_REQUEST = 499


class _BodyTooLarge(HTTPException):
    """Raised while the body streams in: FastAPI lets HTTP exceptions through its body
    parsing, so the app's handler renders it as a 413 problem."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, _too_large(max_bytes))


def _too_large(max_bytes: int) -> str:
    return f"Le corps de la requête dépasse la limite de {max_bytes} octets."


class BodySizeLimitMiddleware:
    """Refuse request bodies over their route's limit (services.common.body_limits) with 413,
    whether announced or streamed."""

    def __init__(
        self, app: ASGIApp, *, max_bytes: int = 1_048_576, limits: BodyLimits | None = None
    ) -> None:
        """`max_bytes` for every route, unless `limits` says per route."""
        self.app = app
        self.limits = limits or BodyLimits(max_bytes, dict)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self.limits.for_request(scope["method"], scope["path"])
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and not declared.isdigit():
            response = problem_response(
                400, "En-tête Content-Length invalide.", instance=scope.get("path")
            )
            await response(scope, receive, send)
            return
        if declared is not None and int(declared) > max_bytes:
            response = problem_response(413, _too_large(max_bytes), instance=scope.get("path"))
            await response(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    raise _BodyTooLarge(max_bytes)
            return message

        await self.app(scope, limited_receive, send)


class UnexpectedErrorMiddleware:
    """Turn an unhandled exception into a 500 problem *inside* the middleware stack.

    Starlette renders its catch-all handler outside every middleware, so that response would
    lack the request id and the CORS headers a browser needs to read it.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            logger.exception("unhandled error on %s %s", scope["method"], scope["path"])
            if started:
                raise
            response = problem_response(500, INTERNAL_ERROR, instance=scope.get("path"))
            await response(scope, receive, send)


class RequestObserverMiddleware:
    """One log line and one metrics sample per request (the request id rides along)."""

    def __init__(self, app: ASGIApp, *, metrics: RequestMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def capture_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture_status)
        finally:
            if scope.get(CLIENT_GONE):
                status = CLIENT_CLOSED_REQUEST
            elapsed = time.perf_counter() - started
            self.metrics.observe(scope, status=status, seconds=elapsed)
            logger.info(
                "%s %s %s",
                scope["method"],
                scope["path"],
                status,
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                },
            )


def _invalid_text(errors: list[InvalidText], path: str) -> JSONResponse:
    return problem_response(
        422,
        errors[0].message,
        slug="validation-error",
        instance=shown(path),
        extra={"errors": [error.as_error() for error in errors[:20]]},
    )


def _body_errors(kind: request_text.BodyKind, content_type: str, body: bytes) -> list[InvalidText]:
    if kind == "form":
        return request_text.pairs_errors(body, "body")
    if kind == "multipart":
        return request_text.multipart_errors(body, content_type)
    return request_text.json_errors(body)


class ValidTextMiddleware:
    """Refuse, with a 422 naming the field, text that is not valid (services.common.valid_text)
    in the path, the query, the headers and JSON or form bodies, before any route sees it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        errors = (
            request_text.path_errors(scope["path"], scope.get("raw_path"))
            + request_text.pairs_errors(scope.get("query_string", b""), "query")
            + request_text.header_errors(scope["headers"])
        )
        if errors:
            await _invalid_text(errors, scope["path"])(scope, receive, send)
            return
        content_type = dict(scope["headers"]).get(b"content-type", b"").decode("latin-1")
        kind = request_text.body_kind(content_type)
        if kind is None:
            await self.app(scope, receive, send)
            return
        try:
            body = await _read_body(receive)
        except HTTPException as refused:  # the body size limit, while the body streamed in
            await problem_response(refused.status_code, str(refused.detail))(scope, receive, send)
            return
        errors = _body_errors(kind, content_type, body)
        if errors:
            await _invalid_text(errors, scope["path"])(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that gives the body once, then waits on the real one (for a disconnect)."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replayed
