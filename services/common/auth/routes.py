"""`POST /auth/token` and `GET /auth/me`, served identically by every service."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from services.common.addresses import client_group
from services.common.auth.authenticator import Authenticator
from services.common.auth.dependencies import CurrentPrincipal
from services.common.auth.forms import SignInForm

router = APIRouter(prefix="/auth", tags=["authentification"])


class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class Me(BaseModel):
    subject: str
    kind: str
    email: str | None
    name: str | None
    roles: list[str]
    scopes: list[str]


@router.post(
    "/token",
    responses={
        401: {"description": "Identifiants incorrects"},
        429: {"description": "Trop d'essais"},
    },
)
def issue_token(request: Request, form: Annotated[SignInForm, Depends()]) -> TokenResponse:
    """Connexion du personnel : e-mail (`username`) et mot de passe contre un jeton signé."""
    authenticator: Authenticator = request.app.state.authenticator
    issued = authenticator.sign_in(
        email=form.username, password=form.password, address=client_group(request)
    )
    return TokenResponse(access_token=issued.access_token, expires_in=issued.expires_in)


@router.get("/me", responses={401: {"description": "Jeton absent ou invalide"}})
def read_me(principal: CurrentPrincipal) -> Me:
    """À qui appartient le jeton présenté, avec ses rôles ou ses portées."""
    return Me(
        subject=principal.subject,
        kind=principal.kind,
        email=principal.email,
        name=principal.name,
        roles=list(principal.roles),
        scopes=list(principal.scopes),
    )
