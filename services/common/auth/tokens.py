"""Signed JWTs: issued for staff at sign-in and for integrators by the CLI.

All three services share `AUTH_SECRET_KEY`, so any of them verifies a token any of them
issued. Revocation is checked against the accounts store, not encoded in the token.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal

import jwt

from services.common.auth.models import ApiToken
from services.common.settings import AuthSettings
from services.common.sql import utcnow

ALGORITHM = "HS256"
TokenType = Literal["staff", "api"]


def encode_token(
    *,
    settings: AuthSettings,
    subject: str,
    token_type: TokenType,
    token_id: str,
    expires_at: datetime,
    claims: dict[str, Any],
) -> str:
    payload = {
        **claims,
        "iss": settings.issuer,
        "sub": subject,
        "typ": token_type,
        "jti": token_id,
        "iat": utcnow(),
        "exp": expires_at,
    }
    return jwt.encode(payload, settings.signing_key(), algorithm=ALGORITHM)


def staff_token_expiry(settings: AuthSettings) -> datetime:
    return utcnow() + timedelta(seconds=settings.token_ttl_seconds)


def decode_token(token: str, *, settings: AuthSettings) -> dict[str, Any]:
    """The claims of a token this platform signed; raises `jwt.InvalidTokenError` otherwise."""
    claims: dict[str, Any] = jwt.decode(
        token,
        settings.signing_key(),
        algorithms=[ALGORITHM],
        issuer=settings.issuer,
        options={"require": ["exp", "iat", "sub", "jti", "typ"]},
    )
    return claims


def unverified_issuer(token: str) -> str | None:
    """Which issuer a token claims, to pick the key that must verify it."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        return None
    issuer = claims.get("iss")
    return issuer if isinstance(issuer, str) else None


def issue_api_token(record: ApiToken, *, settings: AuthSettings) -> str:
    """The bearer string of an API token row; shown once, never stored."""
    return encode_token(
        settings=settings,
        subject=f"token:{record.id}",
        token_type="api",
        token_id=record.id,
        expires_at=record.expires_at,
        claims={"name": record.name, "scope": record.scopes},
    )
