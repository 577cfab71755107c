"""Rate limits of public submissions and of the actions that issue tokens or links.

Hits are counted in the accounts store, like sign-in attempts (services.common.auth.ratelimit):
the counter is shared by the three services and all their replicas. The hits of one key are
counted and written one request at a time (an advisory lock on PostgreSQL, the write lock on
SQLite), so parallel requests can neither slip under the limit nor refuse each other. Refused
requests are not written: refusals do not extend the wait and `Retry-After` tells the truth.

The table keeps a digest of who is counted (client address, recipient, staff account), never
the address itself; `iat-admin retention apply` removes hits whose window has passed.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import delete, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from services.common.addresses import client_group
from services.common.auth.dependencies import CurrentPrincipal
from services.common.auth.models import RateLimitHit
from services.common.errors import TooManyRequests
from services.common.openapi import answers
from services.common.settings import Bucket, RateLimitSettings, Rule
from services.common.sql import utcnow

THROTTLED = {
    "public_submission": "Trop d'envois depuis cette adresse. Réessayez plus tard.",
    "recipient": "Trop de courriels demandés pour ce destinataire aujourd'hui. Réessayez plus tard.",
    "anonymous_mail": "Trop de courriels demandés depuis cette adresse aujourd'hui. Réessayez plus tard.",
    "link_issue": "Trop de liens ou de jetons émis par ce compte. Réessayez plus tard.",
}


class RateLimiter:
    """One per app (`app.state.rate_limiter`), on the accounts store's engine."""

    def __init__(self, engine: Engine, settings: RateLimitSettings, *, secret: str) -> None:
        self.engine = engine
        self.settings = settings
        # Keyed with the services' shared secret: every IPv4 address or a list of known
        # e-mails could be hashed and matched against a plain digest; not against this one.
        self._secret = secret.encode()
        # SQLite has one writer at a time anyway: threads of this process queue here, in
        # order, rather than spin on the busy timeout, which starves some under contention.
        self._queue: AbstractContextManager[object] = (
            threading.Lock() if engine.dialect.name == "sqlite" else nullcontext()
        )

    def digest(self, bucket: str, key: str) -> str:
        """What the store keeps of who is counted."""
        return hmac.new(self._secret, f"{bucket}\x00{key}".encode(), hashlib.sha256).hexdigest()

    def hit(self, bucket: Bucket, key: str) -> None:
        """Count one request of `key` in `bucket`; 429 once the window holds too many."""
        if not self.settings.enabled:
            return
        wait = self.admit(bucket, key, self.settings.rule(bucket))
        if wait is not None:
            raise TooManyRequests(THROTTLED[bucket], retry_after=wait)

    def admit(self, bucket: str, key: str, rule: Rule) -> int | None:
        """Count one use of `key` under `rule` and return None; or, once the window holds
        `rule.max_hits` uses, count nothing and return the seconds until one more fits.

        Also what the kernel uses, whatever `enabled` says, to do a thing once per window:
        one warning per account (sign-in alerts), one use per proof-of-work challenge.
        """
        digest = self.digest(bucket, key)
        mine = (col(RateLimitHit.bucket) == bucket, col(RateLimitHit.key) == digest)
        window = timedelta(seconds=rule.window_seconds)
        with self._queue, Session(self.engine) as session:
            _serialise(session, digest)
            session.execute(
                delete(RateLimitHit).where(*mine, col(RateLimitHit.at) < utcnow() - window)
            )
            # Read the clock once the key is ours: hits are then written in time order.
            now = utcnow()
            counted = (*mine, col(RateLimitHit.at) >= now - window)
            earlier = session.exec(select(func.count()).where(*counted)).one()
            if earlier < rule.max_hits:
                session.add(RateLimitHit(bucket=bucket, key=digest, at=now))
                session.commit()
                return None
            # The hit whose leaving the window lets one more request in.
            oldest = session.exec(
                select(RateLimitHit.at)
                .where(*counted)
                .order_by(col(RateLimitHit.at))
                .offset(earlier - rule.max_hits)
                .limit(1)
            ).one()
            session.commit()
        return max(1, math.ceil((oldest + window - now).total_seconds()))


def _serialise(session: Session, digest: str) -> None:
    """Make the hits of one key wait for each other from here to the commit.

    PostgreSQL: an advisory lock on the key. SQLite: the first write (the prune that
    follows) takes the database's single write lock, which is just as exclusive.
    """
    if session.get_bind().dialect.name == "postgresql":
        lock = int.from_bytes(bytes.fromhex(digest[:16]), "big", signed=True)
        session.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": lock})


def client_address(request: Request) -> str:
    """Who is counted for a per-address limit: an IPv6 /64 counts as one address."""
    return client_group(request)


@answers(429)
def rate_limiter(request: Request) -> RateLimiter:
    limiter: RateLimiter = request.app.state.rate_limiter
    return limiter


Limiter = Annotated[RateLimiter, Depends(rate_limiter)]


def limit_anonymous_mail(request: Request, email: str) -> None:
    """Count one e-mail sent to `email` at an anonymous request's asking: per client address
    and per recipient, so the platform relays no flood, neither from one sender nor to one
    mailbox."""
    limiter = rate_limiter(request)
    limiter.hit("anonymous_mail", client_address(request))
    limiter.hit("recipient", email.strip().lower())


def per_principal(bucket: Bucket = "link_issue") -> Callable[..., None]:
    """A route dependency counting each request per staff account or integrator token."""

    def check(principal: CurrentPrincipal, limiter: Limiter) -> None:
        limiter.hit(bucket, principal.subject)

    return check


# The responses a limited route documents in its OpenAPI schema.
TOO_MANY_REQUESTS: dict[int | str, dict[str, Any]] = {
    429: {"description": "Trop de demandes : réessayez après Retry-After"}
}
