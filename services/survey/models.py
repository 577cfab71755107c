"""The survey service's tables and API shapes (the SQLModel ladder)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from services.common.mail import outbox_table
from services.common.sql import UTCDateTime, new_registry, utcnow


class SurveyModel(SQLModel, registry=new_registry()):
    """Abstract base: the survey's own metadata, invisible to other services."""


# Messages waiting to be sent (services.common.mail).
outbox = outbox_table(SurveyModel.metadata)


class CampaignStatus(StrEnum):
    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"


class CampaignBase(SQLModel):
    title: str = Field(min_length=3, max_length=200)
    description: str = Field(max_length=4000)
    opens_on: date
    closes_on: date


class Campaign(SurveyModel, CampaignBase, table=True):
    __tablename__ = "campaign"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=220, unique=True)
    # Drafts are prepared by analysts and invisible to the public until published.
    published: bool = Field(default=False, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    version: int = Field(default=1)


class CampaignPublic(CampaignBase):
    id: int
    slug: str
    status: CampaignStatus
