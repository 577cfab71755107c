"""Which hearing events the public sees."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from services.auditions.models import Event


def published_events() -> SelectOfScalar[Event]:
    """Published events, the soonest first."""
    return (
        select(Event)
        .where(col(Event.published).is_(True))
        .order_by(col(Event.starts_on), col(Event.id))
    )
