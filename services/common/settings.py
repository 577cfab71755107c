"""Settings read from the environment (pydantic-settings).

Each service subclasses `ServiceSettings` with its own prefix (`CATALOGUE_`, `SURVEY_`,
`AUDITIONS_`); authentication settings are shared by all three under `AUTH_`, because the
three services must verify the same tokens against the same accounts store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TypeVar

from fastapi import Request
from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.common.mail.settings import MailSettings

MIN_SECRET_KEY_LENGTH = 32
DEFAULT_CORS_ORIGINS = ["http://localhost:8000", "http://127.0.0.1:8000"]


class AuthSettings(BaseSettings):
    """Who signs and verifies tokens, and where staff accounts live."""

    model_config = SettingsConfigDict(env_prefix="AUTH_", extra="ignore")

    database_url: str = "sqlite:///var/accounts.db"
    # Optional here so that migrations and the CLI's account commands run without it; the
    # services refuse to start without a key of at least 32 characters.
    secret_key: SecretStr | None = None
    token_ttl_seconds: int = Field(3600, ge=60, le=86400)
    issuer: str = "intelligences-territoires"
    # Sign-in throttling (docs/security.md): failures allowed per account *and* client
    # address (an IPv6 /64) in the window, then per client address whatever the accounts.
    # Nothing counts per account alone: a stranger's guesses never lock the owner out.
    login_max_failures: int = Field(5, ge=1)
    login_max_failures_per_address: int = Field(30, ge=1)
    login_window_seconds: int = Field(900, ge=1)
    # Failures on one account within the window, from any address, that warn its owner by
    # e-mail; at most one warning per account per interval.
    login_alert_failures: int = Field(10, ge=1)
    login_alert_interval_seconds: int = Field(86400, ge=60)
    oidc_jwks_url: str | None = None
    oidc_issuer: str | None = None
    oidc_audience: str | None = None
    oidc_roles_claim: str = "roles"
    # With an OpenID Connect provider, sign-in by password can be switched off entirely.
    password_sign_in: bool = True

    @model_validator(mode="after")
    def _oidc_is_complete(self) -> AuthSettings:
        # A provider's tokens are only ours when both the issuer and the audience match:
        # without them, any token that provider signed for any application would pass.
        if self.oidc_jwks_url and not (self.oidc_issuer and self.oidc_audience):
            raise ValueError(
                "AUTH_OIDC_JWKS_URL needs AUTH_OIDC_ISSUER and AUTH_OIDC_AUDIENCE as well."
            )
        return self

    def signing_key(self) -> str:
        """The key that signs and verifies tokens; a clear error when it is missing or short."""
        key = self.secret_key.get_secret_value() if self.secret_key else ""
        if len(key) < MIN_SECRET_KEY_LENGTH:
            raise ValueError(
                f"AUTH_SECRET_KEY must be set to a random string of at least "
                f"{MIN_SECRET_KEY_LENGTH} characters (make up generates one in var/dev.env)."
            )
        return key


Bucket = Literal["public_submission", "recipient", "anonymous_mail", "link_issue"]
RULE_PATTERN = r"^[1-9][0-9]*/[1-9][0-9]*$"


@dataclass(frozen=True)
class Rule:
    max_hits: int
    window_seconds: int


class RateLimitSettings(BaseSettings):
    """`RATE_LIMIT_` variables, shared by the three services: "<requests>/<seconds>"."""

    model_config = SettingsConfigDict(env_prefix="RATE_LIMIT_", extra="ignore")

    enabled: bool = True
    # Anonymous writes that create rows or send e-mail, per client address.
    public_submission: str = Field("20/3600", pattern=RULE_PATTERN)
    # E-mails that anonymous requests make the platform send: per recipient address and per
    # client address (an IPv6 /64), a day long, so that it cannot be used as a relay.
    recipient: str = Field("5/86400", pattern=RULE_PATTERN)
    anonymous_mail: str = Field("20/86400", pattern=RULE_PATTERN)
    # Staff or integrator actions that issue tokens or links (invitations, reminders, feeds),
    # per account or token.
    link_issue: str = Field("120/3600", pattern=RULE_PATTERN)

    def rule(self, bucket: Bucket) -> Rule:
        hits, seconds = str(getattr(self, bucket)).split("/")
        return Rule(max_hits=int(hits), window_seconds=int(seconds))


class ProofOfWorkSettings(BaseSettings):
    """`ALTCHA_` variables: the proof of work asked of anonymous forms (docs/security.md).

    A challenge is solved by trying counters until PBKDF2 (`cost` iterations) of one gives a
    key that starts with `key_prefix`: 256 tries on average for "00", a fraction of a second
    in a browser, a real cost for whoever posts thousands of forms.
    """

    model_config = SettingsConfigDict(env_prefix="ALTCHA_", extra="ignore")

    enabled: bool = True
    algorithm: Literal["PBKDF2/SHA-256", "PBKDF2/SHA-512", "SHA-256"] = "PBKDF2/SHA-256"
    cost: int = Field(5000, ge=1, le=1_000_000)
    key_prefix: str = Field("00", pattern=r"^([0-9a-f]{2}){1,3}$")
    # How long a challenge may be solved and used; a used one is kept that long to refuse
    # its replay.
    expiry_seconds: int = Field(600, ge=30, le=3600)


class MetricsSettings(BaseSettings):
    """`METRICS_` variables, shared by the three services."""

    model_config = SettingsConfigDict(env_prefix="METRICS_", extra="ignore")

    # The bearer token Prometheus presents (`authorization` in its scrape config). Without
    # one, /metrics is served to nobody: request counts and latencies per route are not public.
    token: SecretStr | None = Field(None, min_length=32)


class ServiceSettings(BaseSettings):
    """What every service is configured with; subclasses set the env prefix and defaults."""

    model_config = SettingsConfigDict(extra="ignore")

    database_url: str
    cors_origins: list[str] = Field(default_factory=lambda: list(DEFAULT_CORS_ORIGINS))
    max_body_bytes: int = Field(1_048_576, ge=1024)
    log_level: str = "INFO"
    log_json: bool = True
    auth: AuthSettings = Field(default_factory=AuthSettings)
    mail: MailSettings = Field(default_factory=MailSettings)
    rate_limits: RateLimitSettings = Field(default_factory=RateLimitSettings)
    proof_of_work: ProofOfWorkSettings = Field(default_factory=ProofOfWorkSettings)
    metrics: MetricsSettings = Field(default_factory=MetricsSettings)
    # Each request's time budget: its database statements are stopped past it (a 503).
    request_deadline_seconds: float = Field(30.0, gt=0, le=600)
    # Strict-Transport-Security on every API response when above 0: set it (31536000, a
    # year) where the services are reached over HTTPS only, as in production.
    hsts_seconds: int = Field(0, ge=0)


S = TypeVar("S", bound=ServiceSettings)


def settings_dependency(kind: type[S]) -> Callable[[Request], S]:
    """A dependency that gives routes their service's typed settings (`SettingsDep`)."""

    def settings_of(request: Request) -> S:
        settings = request.app.state.settings
        if not isinstance(settings, kind):
            raise TypeError(f"this app runs with {type(settings).__name__}, not {kind.__name__}")
        return settings

    return settings_of
