"""Releases of the schedule, the public agenda and the outbox organisers review."""

from __future__ import annotations

from datetime import datetime

from pydantic import (
    BaseModel,
    Field,
)

from services.auditions.schemas.common import RowRef
from services.auditions.schemas.events import EventPublic
from services.common.text import InputModel


class ReleaseIn(InputModel):
    name: str = Field(min_length=1, max_length=100)
    changelog: str = Field(min_length=1, max_length=5000)
    override_hard_warnings: bool = False


class AgendaEntry(BaseModel):
    hearing_id: int
    title: str
    actors: list[str]
    theme: str | None
    room: str
    starts_at: datetime
    ends_at: datetime
    mode: str
    minutes: str | None = None


class ReleaseView(BaseModel):
    id: int
    name: str
    changelog: str
    created_at: datetime


class Agenda(BaseModel):
    event: EventPublic
    release: ReleaseView | None
    entries: list[AgendaEntry]


class ReleaseDiff(BaseModel):
    added: list[AgendaEntry]
    removed: list[AgendaEntry]
    moved: list[dict[str, AgendaEntry]]


class OutboxItem(BaseModel):
    id: int
    status: str
    kind: str
    recipients: str
    subject: str
    created_at: datetime
    # The text of a message waiting for review (sent messages keep no content).
    preview: str | None = None


class OutboxReleaseIn(InputModel):
    ids: list[RowRef] = Field(min_length=1, max_length=1000)
