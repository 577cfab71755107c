"""The kernel's middleware on what an ASGI server may really send: a body in several chunks,
a client that disconnects, a malformed length, a body that is not JSON, an error after the
answer started."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from fastapi import FastAPI, Request
from starlette.types import Message, Receive, Scope, Send

from services.common.middleware import (
    BodySizeLimitMiddleware,
    UnexpectedErrorMiddleware,
    ValidTextMiddleware,
)
from services.common.settings import ServiceSettings, settings_dependency


def _scope(headers: list[tuple[bytes, bytes]]) -> Scope:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/echo",
        "raw_path": b"/echo",
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
    }


def _run(app: Any, scope: Scope, messages: list[Message]) -> tuple[int, bytes]:
    """Send `messages` to `app`, then a disconnect for ever; the status and body it answered."""
    sent: list[Message] = []
    pending = list(messages)

    async def receive() -> Message:
        return pending.pop(0) if pending else {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = next(message for message in sent if message["type"] == "http.response.start")
    body = b"".join(
        message.get("body", b"") for message in sent if message["type"] == "http.response.body"
    )
    return int(start["status"]), body


class _Echo:
    """Answers the body it read, then reads once more (as a server waiting for a disconnect)."""

    def __init__(self) -> None:
        self.after: Message | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        self.after = await receive()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})


def _wrapped(app: Any) -> Any:
    return BodySizeLimitMiddleware(ValidTextMiddleware(app), max_bytes=1024)


def test_a_body_in_several_chunks_is_checked_whole_and_given_to_the_route_once() -> None:
    echo = _Echo()
    chunks: list[Message] = [
        {"type": "http.request", "body": b'{"a": "un ', "more_body": True},
        {"type": "http.request", "body": b'deux"}', "more_body": False},
    ]

    status, body = _run(_wrapped(echo), _scope([(b"content-type", b"application/json")]), chunks)

    assert (status, body) == (200, b'{"a": "un deux"}')
    assert echo.after == {"type": "http.disconnect"}


def test_refused_text_split_across_chunks_is_still_refused() -> None:
    chunks: list[Message] = [
        {"type": "http.request", "body": b'{"a": "x\\u00', "more_body": True},
        {"type": "http.request", "body": b'00"}', "more_body": False},
    ]

    status, body = _run(_wrapped(_Echo()), _scope([(b"content-type", b"application/json")]), chunks)

    assert status == 422
    assert b"invalid_text" in body


def test_a_client_that_disconnects_mid_body_leaves_the_route_to_see_the_disconnect() -> None:
    echo = _Echo()
    chunks: list[Message] = [{"type": "http.request", "body": b'{"a": ', "more_body": True}]

    status, _ = _run(_wrapped(echo), _scope([(b"content-type", b"application/json")]), chunks)

    # What arrived is checked (no string in it) and handed on; the route then reads the
    # disconnect, as it would without the middleware.
    assert status == 200
    assert echo.after == {"type": "http.disconnect"}


def test_a_malformed_length_is_a_400_problem() -> None:
    status, body = _run(_wrapped(_Echo()), _scope([(b"content-length", b"12abc")]), [])

    assert status == 400
    assert b"Content-Length" in body


def test_a_body_that_is_neither_json_nor_a_form_passes_unread() -> None:
    raw = b"\x00\x01 binaire"
    message: Message = {"type": "http.request", "body": raw, "more_body": False}

    status, body = _run(
        _wrapped(_Echo()), _scope([(b"content-type", b"application/pdf")]), [message]
    )

    assert (status, body) == (200, raw)


def test_an_error_after_the_answer_started_is_not_hidden_behind_a_second_answer() -> None:
    async def breaks_midway(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        raise RuntimeError("panne au milieu de la réponse")

    with pytest.raises(RuntimeError, match="panne"):
        _run(UnexpectedErrorMiddleware(breaks_midway), _scope([]), [])


def test_settings_of_another_service_are_a_programming_error() -> None:
    class Other(ServiceSettings):
        pass

    app = FastAPI()
    app.state.settings = object()
    request = Request({"type": "http", "app": app, "headers": []})

    with pytest.raises(TypeError, match="not Other"):
        settings_dependency(Other)(request)
