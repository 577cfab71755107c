"""The body limit of each route: the service's `max_body_bytes` (1 MiB by default), or more
for a route that receives a file and says how big that file may be.

Found by the security review: attachments announced "5 Mo au plus" behind a body limit of
1 MiB, so a 2 MB PDF got a 413 about the body instead of being stored. A route taking a file
declares its limit with `openapi_extra=upload_limit(max_file_bytes)`: its body may then hold
that file and the form around it, no more; the limit is published in its OpenAPI operation
(`x-max-body-bytes`) and the size middleware applies it before reading the body.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# The multipart framing and the form's other fields around the file (boundaries, headers,
# a visibility or a name): far less in practice.
FORM_OVERHEAD = 64 * 1024
EXTENSION = "x-max-body-bytes"


def upload_limit(max_file_bytes: int) -> dict[str, Any]:
    """`openapi_extra` of a route receiving a file of at most `max_file_bytes`."""
    return {EXTENSION: max_file_bytes + FORM_OVERHEAD}


@dataclass(frozen=True)
class RouteLimit:
    path: re.Pattern[str]
    method: str
    max_bytes: int


def route_limits(document: dict[str, Any]) -> list[RouteLimit]:
    """The operations of an OpenAPI document that declared their own body limit."""
    limits = []
    for template, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            if isinstance(operation, dict) and EXTENSION in operation:
                pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
                limits.append(
                    RouteLimit(re.compile(pattern + "$"), method.upper(), int(operation[EXTENSION]))
                )
    return limits


class BodyLimits:
    """The limit of a request's body, by method and path. The app's OpenAPI document is read
    at the first request (every route is included by then), not when the middleware is built:
    what a route declares there is what is applied."""

    def __init__(self, default: int, document: Callable[[], dict[str, Any]]) -> None:
        self.default = default
        self._document = document
        self._limits: list[RouteLimit] | None = None

    def for_request(self, method: str, path: str) -> int:
        if self._limits is None:
            self._limits = route_limits(self._document())
        for limit in self._limits:
            if method == limit.method and limit.path.match(path):
                return limit.max_bytes
        return self.default
