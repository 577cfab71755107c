"""The OpenAPI document names every answer an operation can give, its problems included.

FastAPI documents the success and a 422 in its own shape; the services answer every failure
as problem+json (services.common.errors). Integrators, and the contract fuzzing that checks
each response against this document, need the truth: which problem statuses an operation can
return, and their shape. Most of them follow from what the operation depends on (a required
role gives 401 and 403), so the dependencies that cause
them say so with `answers(...)`; the problems a route raises, itself or through the project's
functions it calls, are read from their source (services.common.raised); a route may still
declare more with `responses=`.

Each operation's `operationId` is the name of its route function, in snake_case
(`operation_id`): stable while the function keeps its name (FastAPI's default adds the path and
method, so a moved route renamed every generated client method), unique in a service (FastAPI
warns on a duplicate, which the tests make an error; `tests/test_operation_ids.py` holds the
list, so a rename is a visible change).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from http import HTTPStatus
from typing import Any, TypeVar

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts

from services.common.errors import PROBLEM_MEDIA_TYPE
from services.common.raised import statuses_raised

F = TypeVar("F", bound=Callable[..., Any])

_ANSWERS: dict[Callable[..., Any], tuple[int, ...]] = {}
_DEMANDING: set[Callable[..., Any]] = set()

# Every operation may get these: unknown query parameters and malformed input are 422
# (services.common.middleware); with a database out of reach, 503 and Retry-After.
ALWAYS = (422, 503)
# A body may be refused for its size before it is read.
WITH_BODY = (413,)
# A path names a resource that may not exist.
WITH_PATH_PARAMETERS = (404,)

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "Un problème au format RFC 9457 (application/problem+json).",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "description": "Pour une requête invalide : les champs en cause.",
            "items": {"type": "object"},
        },
    },
    "additionalProperties": True,
}

_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def operation_id(route: APIRoute) -> str:
    """The stable `operationId` of `route`: its function's name (`export_csv`)."""
    return route.name


def answers(*statuses: int, demands_credentials: bool = False) -> Callable[[F], F]:
    """Mark a dependency whose use lets an operation answer these problem statuses.

    `demands_credentials`: the dependency refuses anonymous calls (otherwise an operation that
    merely reads a token, when one is given, is documented as open to anonymous calls).
    """

    def mark(function: F) -> F:
        _ANSWERS[function] = statuses
        if demands_credentials:
            _DEMANDING.add(function)
        return function

    return mark


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for dependency in dependant.dependencies:
        if dependency.call is not None:
            yield dependency.call
        yield from _calls(dependency)


def problem_statuses(context: RouteContext) -> set[int]:
    """The problem statuses an operation can answer, from its path, body and dependencies."""
    statuses = set(ALWAYS)
    if context.body_field is not None:
        statuses.update(WITH_BODY)
    if "{" in (context.path_format or ""):
        statuses.update(WITH_PATH_PARAMETERS)
    if context.dependant.call is not None:
        statuses.update(statuses_raised(context.dependant.call))
    for call in _calls(context.dependant):
        statuses.update(_ANSWERS.get(call, ()))
        if inspect.isfunction(call):
            statuses.update(statuses_raised(call))
    return statuses


def demands_credentials(context: RouteContext) -> bool:
    return any(call in _DEMANDING for call in _calls(context.dependant))


def _document(operation: dict[str, Any], context: RouteContext) -> None:
    statuses = problem_statuses(context)
    # A token the operation reads without demanding it (anonymous proposals, public lists that
    # show staff more): anonymous calls are documented as allowed.
    if operation.get("security") and not demands_credentials(context):
        operation["security"] = [{}, *operation["security"]]
    responses: dict[str, Any] = operation.setdefault("responses", {})
    for status in sorted(statuses):
        responses.setdefault(str(status), {"description": HTTPStatus(status).phrase})
    for code, response in responses.items():
        if code[0] in "45":
            response["content"] = {PROBLEM_MEDIA_TYPE: {"schema": _PROBLEM_REF}}


def install_problem_documentation(app: FastAPI) -> None:
    """Make `app.openapi()` document each operation's problems in their real shape."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
        )
        for context in iter_route_contexts(app.routes):
            if not isinstance(context.route, APIRoute) or not context.include_in_schema:
                continue
            path = schema["paths"][context.path_format]
            for method in context.methods or ():
                _document(path[method.lower()], context)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        # FastAPI's own 422 shapes are never sent: the problem replaces them.
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
        components["Problem"] = PROBLEM_SCHEMA
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
