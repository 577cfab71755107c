"""Sign-in throttling: attempts counted per account and per client address.

Every attempt is written (and committed) before the password is checked, then counted: so
parallel guesses cannot all slip under the limit. The counts live in the accounts store,
so the limit holds across the three services and their replicas.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from services.common.auth.models import LoginAttempt
from services.common.errors import TooManyRequests
from services.common.settings import AuthSettings
from services.common.sql import utcnow

THROTTLED = "Trop de tentatives de connexion échouées. Réessayez plus tard."


def _key(text: str, *, size: int) -> str:
    # Whatever a client types must be storable: no NUL (PostgreSQL refuses it), bounded.
    return text.replace("\x00", "")[:size]


def register_attempt(session: Session, *, email: str, address: str, settings: AuthSettings) -> None:
    """Record one sign-in attempt; pruning old ones here keeps the table small."""
    horizon = utcnow() - timedelta(seconds=settings.login_window_seconds)
    session.execute(delete(LoginAttempt).where(col(LoginAttempt.at) < horizon))
    session.add(LoginAttempt(email=_key(email, size=254), address=_key(address, size=64)))
    session.flush()


def ensure_not_throttled(
    session: Session, *, email: str, address: str, settings: AuthSettings
) -> None:
    """Refuse once the account or the address has more attempts in the window than allowed."""
    since = col(LoginAttempt.at) >= utcnow() - timedelta(seconds=settings.login_window_seconds)
    for condition in (
        col(LoginAttempt.email) == _key(email, size=254),
        col(LoginAttempt.address) == _key(address, size=64),
    ):
        count = session.exec(select(func.count()).where(condition, since)).one()
        if count > settings.login_max_failures:
            raise TooManyRequests(THROTTLED, retry_after=settings.login_window_seconds)


def forgive(session: Session, *, email: str) -> None:
    """A successful sign-in forgives the account's attempts, including this one."""
    session.execute(delete(LoginAttempt).where(col(LoginAttempt.email) == _key(email, size=254)))
