"""The accounts store's personal data: staff accounts (name, address), failed sign-ins (address
and client address, kept for the throttling window), rate-limit hits (digests only).

Erasing a staff member keeps the account's row, and so its id, which the services' audit logs
name ("staff:12"): the name, address, password and roles go, and the account is disabled.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import get_args

from sqlalchemy import Connection, delete, func, select, update

from services.common import personal_data as common
from services.common import proof_of_work
from services.common.auth import alerts
from services.common.auth.models import LoginAttempt, RateLimitHit, StaffAccount
from services.common.personal_data import ERASED_NAME, RetentionSettings, Rows
from services.common.settings import AuthSettings, Bucket, ProofOfWorkSettings, RateLimitSettings
from services.common.sql import utcnow

staff_t = StaffAccount.__table__  # type: ignore[attr-defined]
attempt_t = LoginAttempt.__table__  # type: ignore[attr-defined]
hit_t = RateLimitHit.__table__  # type: ignore[attr-defined]


def export(connection: Connection, email: str) -> dict[str, Rows]:
    accounts = connection.execute(select(staff_t).where(func.lower(staff_t.c.email) == email)).all()
    attempts = connection.execute(
        select(attempt_t).where(func.lower(attempt_t.c.email) == email)
    ).all()
    return {
        "staff_account": [
            common.as_json(row._mapping, omit=("password_hash",)) for row in accounts
        ],
        "login_attempt": [common.as_json(row._mapping) for row in attempts],
    }


def erase(connection: Connection, email: str) -> dict[str, int]:
    ids = connection.execute(
        select(staff_t.c.id).where(func.lower(staff_t.c.email) == email)
    ).scalars()
    accounts = 0
    for account_id in ids.all():
        connection.execute(
            update(staff_t)
            .where(staff_t.c.id == account_id)
            .values(
                # Unique and never deliverable (.invalid is reserved, RFC 2606).
                email=f"efface-{account_id}@compte.invalid",
                name=ERASED_NAME,
                password_hash="",
                roles="",
                disabled_at=utcnow(),
                token_generation=staff_t.c.token_generation + 1,
            )
        )
        accounts += 1
    attempts = connection.execute(
        delete(attempt_t).where(func.lower(attempt_t.c.email) == email)
    ).rowcount
    return {"staff_account": accounts, "login_attempt": int(attempts)}


def apply_retention(
    connection: Connection, settings: RetentionSettings, *, now: datetime
) -> dict[str, int]:
    """Failed sign-ins and rate-limit hits leave once they no longer count."""
    window = timedelta(seconds=AuthSettings().login_window_seconds)
    attempts = connection.execute(delete(attempt_t).where(attempt_t.c.at < now - window))
    limits = RateLimitSettings()
    windows = {bucket: limits.rule(bucket).window_seconds for bucket in get_args(Bucket)}
    # What the kernel does once per window in the same table (a warning, a used challenge).
    windows[alerts.BUCKET] = AuthSettings().login_alert_interval_seconds
    windows[proof_of_work.BUCKET] = ProofOfWorkSettings().expiry_seconds
    hits = 0
    for bucket, seconds in windows.items():
        result = connection.execute(
            delete(hit_t).where(
                hit_t.c.bucket == bucket, hit_t.c.at < now - timedelta(seconds=seconds)
            )
        )
        hits += int(result.rowcount)
    return {"login_attempt": int(attempts.rowcount), "rate_limit_hit": hits}
