"""Sign-in and token verification against the accounts store."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt
from sqlalchemy.engine import Engine
from sqlmodel import Session

from services.common.auth import accounts, ratelimit
from services.common.auth.models import ApiToken, StaffAccount
from services.common.auth.oidc import OidcVerifier
from services.common.auth.passwords import verify_password
from services.common.auth.principal import Principal
from services.common.auth.tokens import (
    decode_token,
    encode_token,
    staff_token_expiry,
    unverified_issuer,
)
from services.common.errors import Forbidden, ServiceUnavailable, Unauthorized
from services.common.settings import AuthSettings
from services.common.sql import utcnow

WRONG_CREDENTIALS = "Adresse e-mail ou mot de passe incorrect."
PASSWORD_SIGN_IN_OFF = (
    "La connexion par mot de passe est désactivée : connectez-vous par le fournisseur d'identité."
)
IDP_UNREACHABLE = "Le fournisseur d'identité ne répond pas. Réessayez dans quelques instants."
INVALID_TOKEN = "Jeton absent, invalide, expiré ou révoqué."


# Told of each failed sign-in on an existing account, with its failures in the window.
FailureListener = Callable[[StaffAccount, int], None]


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int


class Authenticator:
    """One per app: signs staff in and turns a bearer token into a `Principal`."""

    def __init__(self, settings: AuthSettings, engine: Engine) -> None:
        settings.signing_key()  # fail at start-up, not at the first sign-in
        self.settings = settings
        self.engine = engine
        self.oidc = OidcVerifier(settings) if settings.oidc_jwks_url else None
        # Set by the app (services.common.auth.alerts) when it has an outbox to warn through.
        self.on_failure: FailureListener | None = None

    def _session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def sign_in(self, *, email: str, password: str, address: str) -> IssuedToken:
        """Same 401 for an unknown e-mail, a wrong password or a disabled account."""
        if not self.settings.password_sign_in:
            raise Forbidden(PASSWORD_SIGN_IN_OFF)
        email = accounts.normalise_email(email)
        with self._session() as session:
            attempt = ratelimit.register_attempt(
                session, email=email, address=address, settings=self.settings
            )
            session.commit()
            ratelimit.ensure_not_throttled(session, attempt=attempt, settings=self.settings)
            account = accounts.find_staff(session, email=email)
        # Argon2 runs with no connection held: slow hashing must not starve the pool.
        usable = account if account is not None and account.disabled_at is None else None
        if not verify_password(password, usable.password_hash if usable else None):
            self._failed(account, email=email)
            raise Unauthorized(WRONG_CREDENTIALS)
        assert usable is not None
        with self._session() as session:
            ratelimit.forgive(session, email=email, address=address)
            session.commit()
        return self._issue_staff_token(usable)

    def _failed(self, account: StaffAccount | None, *, email: str) -> None:
        if account is None or self.on_failure is None:
            return
        with self._session() as session:
            failures = ratelimit.recent_failures(session, email=email, settings=self.settings)
        self.on_failure(account, failures)

    def _issue_staff_token(self, account: StaffAccount) -> IssuedToken:
        token = encode_token(
            settings=self.settings,
            subject=f"staff:{account.id}",
            token_type="staff",
            token_id=secrets.token_urlsafe(12),
            expires_at=staff_token_expiry(self.settings),
            claims={
                "email": account.email,
                "name": account.name,
                "roles": account.role_list,
                "gen": account.token_generation,
            },
        )
        return IssuedToken(access_token=token, expires_in=self.settings.token_ttl_seconds)

    def principal_for(self, token: str) -> Principal:
        """Verify `token` and that its account or API token is still active."""
        if self.oidc is not None and unverified_issuer(token) == self.settings.oidc_issuer:
            try:
                return self.oidc.principal_for(token)
            except jwt.PyJWKClientConnectionError as error:
                # The token may well be valid: the provider is down, not the client wrong.
                raise ServiceUnavailable(IDP_UNREACHABLE) from error
            except jwt.PyJWTError as error:
                raise Unauthorized(INVALID_TOKEN) from error
        try:
            claims = decode_token(token, settings=self.settings)
        except jwt.PyJWTError as error:
            raise Unauthorized(INVALID_TOKEN) from error
        if claims["typ"] == "staff":
            return self._staff_principal(claims)
        if claims["typ"] == "api":
            return self._api_principal(claims)
        raise Unauthorized(INVALID_TOKEN)

    def _staff_principal(self, claims: dict[str, Any]) -> Principal:
        account_id = _numeric_suffix(claims["sub"], prefix="staff:")
        with self._session() as session:
            account = session.get(StaffAccount, account_id) if account_id else None
            if (
                account is None
                or account.disabled_at is not None
                or claims.get("gen") != account.token_generation
            ):
                raise Unauthorized(INVALID_TOKEN)
            # Roles come from the store, not the token, so a change applies at once.
            return Principal(
                subject=claims["sub"],
                kind="staff",
                email=account.email,
                name=account.name,
                roles=tuple(account.role_list),
            )

    def _api_principal(self, claims: dict[str, Any]) -> Principal:
        with self._session() as session:
            record = session.get(ApiToken, claims["jti"])
            if record is None or not accounts.is_active(record, now=utcnow()):
                raise Unauthorized(INVALID_TOKEN)
            return Principal(
                subject=claims["sub"],
                kind="api_token",
                name=record.name,
                scopes=tuple(record.scopes.split()),
            )


def _numeric_suffix(subject: str, *, prefix: str) -> int | None:
    suffix = subject.removeprefix(prefix)
    return int(suffix) if subject.startswith(prefix) and suffix.isdigit() else None
