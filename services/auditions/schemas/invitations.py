"""Invitations to give availability, and the form behind a private link."""

from __future__ import annotations

from datetime import datetime

from pydantic import (
    BaseModel,
    Field,
)

from services.auditions.schemas.common import AnswerWindowIn, Mode
from services.auditions.schemas.events import EventDetail
from services.common.text import InputModel


class InvitationIn(InputModel):
    actor_id: int = Field(ge=1, le=2**31 - 1)


class InvitationView(BaseModel):
    id: int
    actor_id: int
    contact_id: int
    status: str
    sent_at: datetime
    answered_at: datetime | None
    reminders_sent: int
    delegation_size: int | None
    mode: str | None
    contribution: str | None
    availability: list[dict[str, str]]


class InvitationForm(BaseModel):
    """What the invited person sees behind their link."""

    event: EventDetail
    actor_name: str
    contact_name: str
    status: str
    delegation_size: int | None
    mode: str | None
    contribution: str | None
    availability: list[dict[str, str]]
    version: int


class AvailabilityAnswerIn(InputModel):
    """The answer; the link itself is the request's `Authorization: PrivateLink` header."""

    declined: bool = False
    delegation_size: int = Field(default=1, ge=1, le=50)
    mode: Mode = "in_person"
    contribution: str = Field(default="", max_length=20_000)
    availability: list[AnswerWindowIn] = Field(default_factory=list, max_length=200)
    version: int | None = Field(default=None, ge=1)
