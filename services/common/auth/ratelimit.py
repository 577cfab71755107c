"""Sign-in throttling: failed attempts counted per account and per client address.

The counts live in the accounts store, so the limit holds across the three services and
their replicas.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from services.common.auth.models import LoginAttempt
from services.common.errors import TooManyRequests
from services.common.settings import AuthSettings
from services.common.sql import utcnow


def ensure_not_throttled(
    session: Session, *, email: str, address: str, settings: AuthSettings
) -> None:
    since = utcnow() - timedelta(seconds=settings.login_window_seconds)
    recent = col(LoginAttempt.at) >= since
    for condition in (LoginAttempt.email == email, LoginAttempt.address == address):
        count = session.exec(select(func.count()).where(condition, recent)).one()
        if count >= settings.login_max_failures:
            raise TooManyRequests(
                "Trop de tentatives de connexion échouées. Réessayez plus tard.",
                retry_after=settings.login_window_seconds,
            )


def record_failure(session: Session, *, email: str, address: str, settings: AuthSettings) -> None:
    # Pruning here keeps the table small without a separate clean-up job.
    horizon = utcnow() - timedelta(seconds=settings.login_window_seconds)
    session.execute(delete(LoginAttempt).where(col(LoginAttempt.at) < horizon))
    session.add(LoginAttempt(email=email, address=address[:64]))
    session.flush()


def clear_failures(session: Session, *, email: str) -> None:
    """A successful sign-in forgives the account's earlier mistakes (not the address's)."""
    session.execute(delete(LoginAttempt).where(col(LoginAttempt.email) == email))
