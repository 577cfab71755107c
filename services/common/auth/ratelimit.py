"""Sign-in throttling: failures counted per (account, client address) and per client address.

Nothing is counted per account alone: anyone may type a staff member's e-mail address, and
a limit per account would let them lock its owner out from everywhere. The owner, from their
own address, keeps their allowance; guesses spread over many addresses warn the owner by
e-mail instead (services.common.auth.alerts). Addresses are grouped as in
services.common.addresses (an IPv6 /64 counts as one address).

Every attempt is written (and committed) before the password is checked, then counted: so
parallel guesses cannot all slip under the limit. A refused attempt is removed again, so
refusals neither extend the wait nor make `Retry-After` lie. The counts live in the accounts
store, so the limits hold across the three services and their replicas.
"""

from __future__ import annotations

import math
from datetime import timedelta

from sqlalchemy import ColumnElement, delete
from sqlmodel import Session, col, func, select

from services.common.auth.models import LoginAttempt
from services.common.errors import TooManyRequests
from services.common.settings import AuthSettings
from services.common.sql import utcnow

THROTTLED = "Trop de tentatives de connexion échouées depuis cette adresse. Réessayez plus tard."


def _key(text: str, *, size: int) -> str:
    # Whatever a client types must be storable: no NUL (PostgreSQL refuses it), bounded.
    return text.replace("\x00", "")[:size]


def _of_account(email: str) -> ColumnElement[bool]:
    return col(LoginAttempt.email) == _key(email, size=254)


def _of_address(address: str) -> ColumnElement[bool]:
    return col(LoginAttempt.address) == _key(address, size=64)


def register_attempt(
    session: Session, *, email: str, address: str, settings: AuthSettings
) -> LoginAttempt:
    """Record one sign-in attempt; pruning old ones here keeps the table small."""
    horizon = utcnow() - timedelta(seconds=settings.login_window_seconds)
    session.execute(delete(LoginAttempt).where(col(LoginAttempt.at) < horizon))
    attempt = LoginAttempt(email=_key(email, size=254), address=_key(address, size=64))
    session.add(attempt)
    session.flush()
    return attempt


def ensure_not_throttled(
    session: Session, *, attempt: LoginAttempt, settings: AuthSettings
) -> None:
    """Refuse `attempt` once its account from its address, or its address, used its allowance."""
    for condition, allowed in (
        (_of_account(attempt.email) & _of_address(attempt.address), settings.login_max_failures),
        (_of_address(attempt.address), settings.login_max_failures_per_address),
    ):
        wait = _wait(session, condition, allowed=allowed, settings=settings)
        if wait is not None:
            session.delete(attempt)
            session.commit()
            raise TooManyRequests(THROTTLED, retry_after=wait)


def _wait(
    session: Session, condition: ColumnElement[bool], *, allowed: int, settings: AuthSettings
) -> int | None:
    """None while the attempts matching `condition` (this one included) are within `allowed`,
    else the seconds until enough of them leave the window to let one more in."""
    window = timedelta(seconds=settings.login_window_seconds)
    now = utcnow()
    # One read, so that parallel refusals removing their own attempts cannot change the
    # rows between a count and a lookup. Rows stay few: admitted ones and those in flight.
    times = session.exec(
        select(LoginAttempt.at)
        .where(condition, col(LoginAttempt.at) >= now - window)
        .order_by(col(LoginAttempt.at))
    ).all()
    if len(times) <= allowed:
        return None
    # This attempt is among them; of the others, `allowed - 1` may stay for one more to fit.
    oldest = times[len(times) - 1 - allowed]
    return max(1, math.ceil((oldest + window - now).total_seconds()))


def recent_failures(session: Session, *, email: str, settings: AuthSettings) -> int:
    """The account's attempts in the window, from every address (for the owner's warning)."""
    since = col(LoginAttempt.at) >= utcnow() - timedelta(seconds=settings.login_window_seconds)
    return session.exec(select(func.count()).where(_of_account(email), since)).one()


def forgive(session: Session, *, email: str, address: str) -> None:
    """A successful sign-in forgives the account's attempts from that address, this one too.

    Only from that address: the owner signing in must not reset a stranger's count.
    """
    session.execute(delete(LoginAttempt).where(_of_account(email), _of_address(address)))
