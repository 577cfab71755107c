"""One error hierarchy and the handlers that render every failure as RFC 9457 problem+json.

Routes and domain code raise `ProblemError` subclasses; they never build HTTP responses for
errors themselves. Anything unexpected becomes a generic 500 problem without a stack trace.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://intelligences-territoires.fr/problems/"

INTERNAL_ERROR = "Erreur interne. L'incident est journalisé."

logger = logging.getLogger(__name__)


class ProblemError(Exception):
    """A failure the client caused or can act on; rendered as problem+json."""

    status: ClassVar[int] = 400
    slug: ClassVar[str] = "bad-request"

    def __init__(
        self,
        detail: str,
        *,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})


class BadRequest(ProblemError):
    status = 400
    slug = "bad-request"


class Unauthorized(ProblemError):
    status = 401
    slug = "unauthorized"

    def __init__(
        self, detail: str = "Authentification requise.", *, scheme: str = "Bearer"
    ) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": scheme})


class Forbidden(ProblemError):
    status = 403
    slug = "forbidden"


class NotFound(ProblemError):
    status = 404
    slug = "not-found"


class Conflict(ProblemError):
    status = 409
    slug = "conflict"


class PreconditionFailed(ProblemError):
    status = 412
    slug = "precondition-failed"


class PreconditionRequired(ProblemError):
    status = 428
    slug = "precondition-required"


class Unprocessable(ProblemError):
    """A 422 found after parsing: the request is well formed but breaks a rule."""

    status = 422
    slug = "validation-error"


class InvalidField(Unprocessable):
    """A 422 that names the body field at fault, in the shape of FastAPI's validation errors."""

    def __init__(self, field: tuple[str | int, ...], message: str) -> None:
        super().__init__(
            message,
            extra={"errors": [{"loc": ["body", *field], "msg": message, "type": "value_error"}]},
        )


class TooManyRequests(ProblemError):
    status = 429
    slug = "too-many-requests"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after)})


class ServiceUnavailable(ProblemError):
    status = 503
    slug = "service-unavailable"


def problem_response(
    status: int,
    detail: str,
    *,
    slug: str | None = None,
    instance: str | None = None,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> JSONResponse:
    """Build a problem+json response; `slug` names the problem type."""
    phrase = HTTPStatus(status).phrase
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + (slug or phrase.lower().replace(" ", "-")),
        "title": phrase,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    body.update(extra or {})
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_MEDIA_TYPE)


def _validation_errors(errors: Sequence[Any]) -> list[dict[str, Any]]:
    """Keep what a client needs to find the failing field, drop echoed input."""
    return [
        {
            "loc": list(error.get("loc", ())),
            "msg": str(error.get("msg", "")),
            "type": str(error.get("type", "")),
        }
        for error in errors
    ]


async def _on_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    return problem_response(
        exc.status,
        exc.detail,
        slug=exc.slug,
        instance=request.url.path,
        headers=exc.headers,
        extra=exc.extra,
    )


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return problem_response(
        422,
        "La requête contient des valeurs invalides.",
        slug="validation-error",
        instance=request.url.path,
        extra={"errors": _validation_errors(exc.errors())},
    )


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    if exc.status_code == 400:
        # Only the framework raises these, for a body it cannot decode (not UTF-8, a broken
        # multipart form): malformed input like malformed JSON, so the same 422, in French.
        return problem_response(
            422,
            "Le corps de la requête est illisible : texte UTF-8 attendu, au format annoncé.",
            slug="validation-error",
            instance=request.url.path,
        )
    if exc.status_code == 404 and detail == "Not Found":
        detail = "Aucune ressource à cette adresse."
    elif exc.status_code == 405:
        detail = f"La méthode {request.method} n'est pas permise sur cette ressource."
    return problem_response(
        exc.status_code,
        detail,
        instance=request.url.path,
        headers=exc.headers,
    )


def _try_again(request: Request, detail: str, *, seconds: int) -> JSONResponse:
    """A 503 whose request, sent again later, can succeed: nothing of it was saved."""
    return problem_response(
        503,
        detail,
        slug="service-unavailable",
        instance=request.url.path,
        headers={"Retry-After": str(seconds)},
    )


async def _on_database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    logger.error("database unavailable: %s", type(exc).__name__)
    return _try_again(
        request,
        "La base de données est momentanément indisponible. Réessayez dans quelques instants.",
        seconds=5,
    )


# SQLSTATE classes meaning "the server cannot serve now": connection exception, operator
# intervention (shutdown, restart), insufficient resources.
_UNAVAILABLE_SQLSTATE_CLASSES = ("08", "57", "53")
_SQLITE_UNAVAILABLE = ("database is locked", "unable to open database file", "disk I/O error")


def _is_connection_error(exc: DBAPIError) -> bool:
    """True when the database cannot be reached now, as opposed to a wrong query or schema."""
    if exc.connection_invalidated:
        return True
    if not isinstance(exc, OperationalError):
        return False
    if isinstance(exc.orig, sqlite3.OperationalError):
        return str(exc.orig) in _SQLITE_UNAVAILABLE
    # A driver error with no SQLSTATE is a failure to connect at all.
    return not _sqlstate(exc) or _sqlstate(exc)[:2] in _UNAVAILABLE_SQLSTATE_CLASSES


# SQLSTATE class 40, transaction rollback: a serialization failure or a deadlock. The
# transaction is undone and the same request, sent again, succeeds.
_RETRY_SQLSTATE_CLASS = "40"


# A statement stopped by the request's budget (services.common.deadlines): PostgreSQL's
# query_canceled, SQLite's interrupted statement.
_CANCELED_SQLSTATE = "57014"
_SQLITE_INTERRUPTED = "interrupted"


def _sqlstate(exc: DBAPIError) -> str:
    """The driver's SQLSTATE of the error ("" for SQLite, which has none)."""
    return str(getattr(exc.orig, "sqlstate", None) or "")


def _is_canceled(exc: DBAPIError) -> bool:
    if isinstance(exc.orig, sqlite3.OperationalError):
        return str(exc.orig) == _SQLITE_INTERRUPTED
    return _sqlstate(exc) == _CANCELED_SQLSTATE


async def _on_dbapi(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DBAPIError)
    if _is_canceled(exc):
        logger.warning("statement stopped at the request's deadline")
        return _try_again(
            request,
            "La requête a demandé plus de temps que le service ne lui en accorde ; rien n'a été "
            "enregistré. Réessayez, ou restreignez-la.",
            seconds=5,
        )
    if _is_connection_error(exc):
        return await _on_database_unavailable(request, exc)
    if _sqlstate(exc)[:2] == _RETRY_SQLSTATE_CLASS:
        logger.warning("transaction rolled back by the database: %s", type(exc.orig).__name__)
        return _try_again(
            request,
            "Une autre modification simultanée a interrompu celle-ci ; rien n'a été enregistré. "
            "Renvoyez-la.",
            seconds=1,
        )
    # Safety nets for what validation let through; the transaction is already rolled back.
    if isinstance(exc, DataError):
        logger.warning("value refused by the database: %s", type(exc.orig).__name__)
        return problem_response(
            422,
            "Une valeur envoyée est refusée par la base de données "
            "(caractère nul, nombre hors limites…).",
            slug="validation-error",
            instance=request.url.path,
        )
    if isinstance(exc, IntegrityError):
        logger.warning("integrity conflict: %s", type(exc.orig).__name__)
        return problem_response(
            409,
            "La requête entre en conflit avec une donnée existante.",
            slug="conflict",
            instance=request.url.path,
        )
    # Anything else (a missing table, a bad query) is a bug: let the catch-all report it.
    raise exc


def install_error_handlers(app: FastAPI) -> None:
    """Render the errors of `app` as problem+json (unexpected ones: see the middleware)."""
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(DBAPIError, _on_dbapi)
    # Every pooled connection stuck on an unreachable server: the database is unavailable.
    app.add_exception_handler(PoolTimeoutError, _on_database_unavailable)
    # Other exceptions reach `UnexpectedErrorMiddleware`, inside the middleware stack.
