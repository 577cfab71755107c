"""The audit log of staff actions: who did what, to which resource, in each service.

Every request admitted by `require(...)` that changes something (any method but GET, HEAD
and OPTIONS) is written to the service's own `audit_log` table, in the request's transaction:
an action that fails and is rolled back leaves no entry, and one that is saved always has one.
A GET route that hands out personal data (a raw export) opts in with
`openapi_extra={"x-audit": True}`. Request bodies are not copied: they may hold personal data
that the log would then keep longer than the data itself.
"""

from __future__ import annotations

import json

from fastapi import Request
from sqlalchemy import Column, Integer, MetaData, String, Table, Text, insert
from sqlmodel import Session

from services.common.auth.principal import Principal
from services.common.sql import UTCDateTime, utcnow

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def audit_table(metadata: MetaData) -> Table:
    """The `audit_log` table in a service's own metadata."""
    return Table(
        "audit_log",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("at", UTCDateTime(), nullable=False, index=True),
        # "staff:12", "api:<token id>", "oidc:<sub>": stable even if the account is renamed.
        Column("actor", String(300), nullable=False, index=True),
        Column("actor_name", String(300), nullable=True),
        Column("method", String(10), nullable=False),
        # The route's template ("/use-cases/{use_case_id}") and the values of its parameters.
        Column("route", String(300), nullable=False),
        Column("target", Text, nullable=False),
    )


def is_audited(request: Request) -> bool:
    if request.method not in SAFE_METHODS:
        return True
    route = request.scope.get("route")
    extra = getattr(route, "openapi_extra", None) or {}
    return bool(extra.get("x-audit"))


def record_action(session: Session, request: Request, principal: Principal) -> None:
    """Add the entry for this request, if the service keeps an audit log and it is audited."""
    table: Table | None = getattr(request.app.state, "audit_table", None)
    if table is None or not is_audited(request):
        return
    route = request.scope.get("route")
    session.connection().execute(
        insert(table).values(
            at=utcnow(),
            actor=principal.subject[:300],
            actor_name=(principal.email or principal.name or "")[:300] or None,
            method=request.method,
            route=str(getattr(route, "path", request.url.path))[:300],
            target=json.dumps(request.path_params, ensure_ascii=False, default=str),
        )
    )
