"""Tokens from an OpenID Connect provider (ProConnect, Keycloak), verified through its JWKS."""

from __future__ import annotations

import threading
import time
from typing import Any

import jwt

from services.common.auth.models import ROLES
from services.common.auth.principal import Principal
from services.common.settings import AuthSettings

ASYMMETRIC_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"]
# A token naming an unknown key makes us fetch the key set again (the provider may have
# rotated its keys), but at most this often: anyone can forge such tokens.
KEY_REFRESH_INTERVAL_SECONDS = 60.0


class OidcVerifier:
    """Verify a provider's access tokens; keys are fetched once and cached by PyJWKClient."""

    def __init__(self, settings: AuthSettings) -> None:
        assert settings.oidc_jwks_url is not None
        self.settings = settings
        self.client = jwt.PyJWKClient(settings.oidc_jwks_url, cache_keys=True, lifespan=600)
        self._refresh_lock = threading.Lock()
        self._last_refresh = float("-inf")

    def _signing_key(self, token: str) -> jwt.PyJWK:
        kid = jwt.get_unverified_header(token).get("kid")
        for key in self.client.get_signing_keys():
            if key.key_id == kid:
                return key
        with self._refresh_lock:
            if time.monotonic() - self._last_refresh < KEY_REFRESH_INTERVAL_SECONDS:
                raise jwt.PyJWKClientError(f"Unknown signing key {kid!r}")
            self._last_refresh = time.monotonic()
        for key in self.client.get_signing_keys(refresh=True):
            if key.key_id == kid:
                return key
        raise jwt.PyJWKClientError(f"Unknown signing key {kid!r}")

    def principal_for(self, token: str) -> Principal:
        """Raises `jwt.PyJWTError` when the token is not valid for this provider."""
        key = self._signing_key(token)
        claims: dict[str, Any] = jwt.decode(
            token,
            key.key,
            algorithms=ASYMMETRIC_ALGORITHMS,
            issuer=self.settings.oidc_issuer,
            audience=self.settings.oidc_audience,
            options={
                "require": ["exp", "sub"],
                "verify_aud": self.settings.oidc_audience is not None,
            },
        )
        return Principal(
            subject=f"oidc:{claims['sub']}",
            kind="oidc",
            email=claims.get("email"),
            name=claims.get("name") or claims.get("preferred_username"),
            roles=tuple(
                role for role in _claim_at(claims, self.settings.oidc_roles_claim) if role in ROLES
            ),
        )


def _claim_at(claims: dict[str, Any], path: str) -> list[str]:
    """Read a dotted claim path (`realm_access.roles` for Keycloak) as a list of strings."""
    value: Any = claims
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, str):
        return value.split()
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []
