"""FastAPI dependencies: the current principal and role or scope requirements."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.common.audit import record_action
from services.common.auth.authenticator import Authenticator
from services.common.auth.principal import Principal
from services.common.database import SessionDep
from services.common.errors import Forbidden, Unauthorized
from services.common.openapi import answers

_bearer = HTTPBearer(auto_error=False, description="Jeton du personnel ou d'intégrateur.")
BearerCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def _authenticator(request: Request) -> Authenticator:
    authenticator: Authenticator = request.app.state.authenticator
    return authenticator


@answers(401)
def optional_principal(request: Request, credentials: BearerCredentials) -> Principal | None:
    """The principal when a bearer token is given; a bad token is still refused."""
    if credentials is None:
        return None
    return _authenticator(request).principal_for(credentials.credentials)


@answers(401, demands_credentials=True)
def current_principal(
    principal: Annotated[Principal | None, Depends(optional_principal)],
) -> Principal:
    if principal is None:
        raise Unauthorized()
    return principal


OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]
CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require(*, role: str, scope: str | None = None) -> Callable[..., Principal]:
    """A dependency admitting staff holding `role`, or API tokens granted `scope`.

    What it admits is written to the service's audit log (services.common.audit), in the
    request's own session, so the entry is saved exactly when the action is.
    """

    def check(principal: CurrentPrincipal, request: Request, session: SessionDep) -> Principal:
        if principal.has_role(role) or (scope is not None and principal.has_scope(scope)):
            record_action(session, request, principal)
            return principal
        raise Forbidden(f"Cette action demande le rôle « {role} ».")

    return answers(403)(check)
