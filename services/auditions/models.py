"""The hearings service's tables and API shapes (the SQLModel ladder)."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from services.common.mail import outbox_table
from services.common.sql import UTCDateTime, new_registry, utcnow


class AuditionsModel(SQLModel, registry=new_registry()):
    """Abstract base: the hearings' own metadata, invisible to other services."""


# Messages waiting to be sent (services.common.mail).
outbox = outbox_table(AuditionsModel.metadata)


class EventBase(SQLModel):
    title: str = Field(min_length=3, max_length=200)
    description: str = Field(max_length=4000)
    starts_on: date
    ends_on: date
    location: str = Field(max_length=300)


class Event(AuditionsModel, EventBase, table=True):
    __tablename__ = "event"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=220, unique=True)
    # Organisers prepare an event before its agenda is made public.
    published: bool = Field(default=False, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    version: int = Field(default=1)


class EventPublic(EventBase):
    id: int
    slug: str
