"""The survey service's tables and API shapes (the SQLModel ladder)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlmodel import Column, Field, SQLModel

from services.common.audit import audit_table
from services.common.mail import outbox_table
from services.common.sql import UTCDateTime, new_registry, utcnow


class SurveyModel(SQLModel, registry=new_registry()):
    """Abstract base: the survey's own metadata, invisible to other services."""


# Messages waiting to be sent (services.common.mail).
outbox = outbox_table(SurveyModel.metadata)
# What staff did (services.common.audit).
audit_log = audit_table(SurveyModel.metadata)


class CampaignStatus(StrEnum):
    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"


class QuestionnaireStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class Questionnaire(SurveyModel, table=True):
    """One version of a questionnaire; immutable once published."""

    __tablename__ = "questionnaire"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=63, index=True)
    version: str = Field(max_length=40)
    title: str = Field(max_length=1000)
    status: str = Field(default=QuestionnaireStatus.DRAFT, max_length=20)
    definition: dict[str, Any] = Field(sa_type=JSON)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime())


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
    questionnaire_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("questionnaire.id"), nullable=True)
    )
    # Who is asked: {"kinds": [...], "regions": [...], "population_bands": [...]}.
    target: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    # Disclosure control of the published results: no cell from fewer respondents than this.
    disclosure_threshold: int = Field(
        default=5, sa_column=Column(Integer, nullable=False, server_default="5")
    )
    # The territories reference the frame was counted from when the campaign was created
    # ({"package", "version", "frozen_on"}); the counts are in `campaign_frame`.
    frame_source: dict[str, Any] | None = Field(default=None, sa_type=JSON)


class CampaignFrame(SurveyModel, table=True):
    """The sampling frame of a campaign, frozen at its creation: how many local authorities of
    each class (kind, population band, région, post-stratum) it targets. Later versions of the
    territories reference (mergers of communes, new EPCI) do not change a campaign's weights."""

    __tablename__ = "campaign_frame"

    campaign_id: int = Field(sa_column=Column(Integer, ForeignKey("campaign.id"), primary_key=True))
    kind: str = Field(sa_column=Column(String(20), primary_key=True))
    band: str = Field(sa_column=Column(String(20), primary_key=True))
    region: str = Field(sa_column=Column(String(10), primary_key=True))
    stratum: str = Field(sa_column=Column(String(30), primary_key=True))
    units: int


class InvitationStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    OPENED = "opened"
    STARTED = "started"
    SUBMITTED = "submitted"
    BOUNCED = "bounced"


class Invitation(SurveyModel, table=True):
    """A local authority asked to answer a campaign, and its one response (answers below)."""

    __tablename__ = "invitation"
    # A région and a département may share a code (53: Bretagne, Mayenne).
    __table_args__ = (UniqueConstraint("campaign_id", "kind", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(
        sa_column=Column(Integer, ForeignKey("campaign.id"), nullable=False, index=True)
    )
    # The local authority as the territories reference described it when invited.
    code: str = Field(max_length=20)
    kind: str = Field(max_length=20)
    name: str = Field(max_length=300)
    population: int | None = None
    band: str = Field(max_length=20)
    region: str | None = Field(default=None, max_length=10)
    departement: str | None = Field(default=None, max_length=10)
    # Private: never in a public endpoint, a log or an export.
    emails: str | None = Field(default=None, max_length=2000)
    status: str = Field(default=InvitationStatus.PENDING, max_length=20, index=True)
    # Bumped by every save; the answers carry the revision that last changed them.
    revision: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    opened_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    updated_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    reminders_sent: int = Field(default=0)
    last_reminder_at: datetime | None = Field(default=None, sa_type=UTCDateTime())


class InvitationLink(SurveyModel, table=True):
    """A personal link sent by e-mail: only the SHA-256 of its random token is kept.

    Every invitation and reminder gets a new link and the older ones stay valid, so agents who
    shared the first one are not cut off by a reminder.
    """

    __tablename__ = "invitation_link"

    token_hash: str = Field(sa_column=Column(String(64), primary_key=True))
    invitation_id: int = Field(
        sa_column=Column(Integer, ForeignKey("invitation.id"), nullable=False, index=True)
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())


class Answer(SurveyModel, table=True):
    """The current answer to one question of one response (one row per question: saves of
    different questions never touch the same row)."""

    __tablename__ = "answer"

    invitation_id: int = Field(
        sa_column=Column(Integer, ForeignKey("invitation.id"), primary_key=True)
    )
    key: str = Field(sa_column=Column(String(63), primary_key=True))
    value: Any = Field(default=None, sa_type=JSON)
    revision: int
    author: str = Field(max_length=64)
    updated_at: datetime = Field(sa_type=UTCDateTime())


class AnswerTally(SurveyModel, table=True):
    """How many submitted responses of a campaign gave each value of each closed or numeric
    question, by class of respondent (kind, population band, région, EPCI legal form).

    Kept up to date by the writes that change it (a submission, a save after it), so the
    observatory reads tens of thousands of counts instead of grouping every answer; free text is
    never counted here. `value` is the answer as canonical JSON text.
    """

    __tablename__ = "answer_tally"

    campaign_id: int = Field(sa_column=Column(Integer, ForeignKey("campaign.id"), primary_key=True))
    kind: str = Field(sa_column=Column(String(20), primary_key=True))
    band: str = Field(sa_column=Column(String(20), primary_key=True))
    region: str = Field(sa_column=Column(String(10), primary_key=True))
    form: str = Field(sa_column=Column(String(10), primary_key=True))
    key: str = Field(sa_column=Column(String(63), primary_key=True))
    value: str = Field(sa_column=Column(Text, primary_key=True))
    n: int


class AnswerEvent(SurveyModel, table=True):
    """Every change of every answer, kept for the history (nothing is silently lost)."""

    __tablename__ = "answer_event"

    id: int | None = Field(default=None, primary_key=True)
    invitation_id: int = Field(
        sa_column=Column(Integer, ForeignKey("invitation.id"), nullable=False, index=True)
    )
    key: str = Field(max_length=63)
    value: Any = Field(default=None, sa_type=JSON)
    previous: Any = Field(default=None, sa_type=JSON)
    revision: int
    author: str = Field(max_length=64)
    at: datetime = Field(sa_type=UTCDateTime())
