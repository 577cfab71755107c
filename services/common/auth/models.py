"""The staff accounts store, shared by the three services for authentication only.

It is not a service's database: it holds who may sign in, the integrators' API tokens and
recent login attempts, so that every service can verify a token, and see a disabled account
or a revoked token, without reading another service's data. It also counts the hits of the
rate limits, which must hold across the three services and their replicas.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from services.common.sql import UTCDateTime, new_registry, utcnow

ROLES = ("admin", "moderator", "analyst", "organiser")


class AccountsModel(SQLModel, registry=new_registry()):
    """Abstract base of the accounts store's tables."""


class StaffAccount(AccountsModel, table=True):
    __tablename__ = "staff_account"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    name: str = Field(max_length=200)
    password_hash: str = Field(max_length=200)
    # Space-separated role names: a handful of fixed values, read on every sign-in.
    roles: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    disabled_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    # Written into each staff token ("gen") and raised on disable, enable and reset: tokens
    # issued before stay dead even once the account is enabled again.
    token_generation: int = Field(default=0)

    @property
    def role_list(self) -> list[str]:
        return self.roles.split()


class ApiToken(AccountsModel, table=True):
    """An integrator's token; the JWT carries `jti` = `id`, so revoking the row revokes it."""

    __tablename__ = "api_token"

    id: str = Field(primary_key=True, max_length=32)
    name: str = Field(max_length=200)
    scopes: str = Field(max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    expires_at: datetime = Field(sa_type=UTCDateTime())
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime())


class LoginAttempt(AccountsModel, table=True):
    """Failed sign-ins, counted per account and per address to slow down guessing."""

    __tablename__ = "login_attempt"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, index=True)
    address: str = Field(max_length=64, index=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime(), index=True)


class RateLimitHit(AccountsModel, table=True):
    """One counted request of a rate-limited action (services.common.rate_limits).

    `key` is a digest of who is counted (client address, recipient, staff account): the
    table never holds an address in clear, and rows leave once their window has passed.
    """

    __tablename__ = "rate_limit_hit"
    __table_args__ = (Index("ix_rate_limit_hit_bucket_key_at", "bucket", "key", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    bucket: str = Field(max_length=40)
    key: str = Field(max_length=64)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
