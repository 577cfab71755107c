"""Hearings, their placement and warnings, the draft schedule, minutes and attachments."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pydantic import (
    BaseModel,
    Field,
    model_validator,
)

from services.auditions.conflicts import Warning
from services.auditions.models import Hearing
from services.auditions.schemas.common import MinutesStatus, Mode, Moment, RowRef
from services.auditions.schemas.events import EventDetail
from services.auditions.schemas.people import ActorView, MemberView
from services.common.text import InputModel


class RequirementIn(InputModel):
    member_ids: list[RowRef] = Field(min_length=1, max_length=50)
    min_count: int = Field(ge=1, le=50)

    @model_validator(mode="after")
    def _reachable(self) -> RequirementIn:
        if self.min_count > len(set(self.member_ids)):
            raise ValueError("min_count dépasse le nombre de membres proposés")
        return self


class HearingIn(InputModel):
    title: str = Field(min_length=1, max_length=300)
    theme_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    actor_ids: list[RowRef] = Field(default_factory=list, max_length=20)
    duration_minutes: int = Field(ge=5, le=600)
    mode: Mode = "in_person"
    delegation_size: int = Field(default=1, ge=1, le=200)
    requirements: list[RequirementIn] = Field(default_factory=list, max_length=10)
    president_required: bool = False
    priority: int = Field(default=0, ge=0, le=10)
    earliest_on: date | None = None
    latest_on: date | None = None
    locked: bool = False


class PlacementIn(InputModel):
    """Where and when a hearing sits in the draft; both null takes it out of the grid."""

    room_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    starts_at: Moment | None = None
    member_ids: list[RowRef] | None = Field(default=None, max_length=50)


class WarningView(BaseModel):
    kind: str
    severity: str
    hearing_id: int
    message: str
    other_hearing_id: int | None
    member_id: int | None
    room_id: int | None


class HearingView(BaseModel):
    id: int
    title: str
    theme_id: int | None
    actor_ids: list[int]
    duration_minutes: int
    mode: str
    delegation_size: int
    requirements: list[dict[str, object]]
    priority: int
    earliest_on: date | None
    latest_on: date | None
    locked: bool
    room_id: int | None
    starts_at: datetime | None
    ends_at: datetime | None
    member_ids: list[int]
    cancelled: bool
    ical_uid: str
    ical_sequence: int
    version: int


class PlacedHearing(BaseModel):
    hearing: HearingView
    warnings: list[WarningView]


class DraftView(BaseModel):
    event: EventDetail
    hearings: list[HearingView]
    members: list[MemberView]
    actors: list[ActorView]
    warnings: list[WarningView]


class MinutesIn(InputModel):
    body: str = Field(max_length=100_000)
    status: MinutesStatus = "draft"


class MinutesView(BaseModel):
    hearing_id: int
    body: str
    status: str
    version: int
    updated_at: datetime


class AttachmentView(BaseModel):
    id: int
    hearing_id: int
    filename: str
    content_type: str
    visibility: str
    created_at: datetime


def hearing_view(hearing: Hearing) -> HearingView:
    assert hearing.id is not None
    ends = (
        hearing.starts_at + timedelta(minutes=hearing.duration_minutes)
        if hearing.starts_at is not None
        else None
    )
    return HearingView(
        **hearing.model_dump(exclude={"event_id"}),
        ends_at=ends,
    )


def warning_view(warning: Warning) -> WarningView:
    return WarningView(
        kind=warning.kind,
        severity=warning.severity,
        hearing_id=warning.hearing_id,
        message=warning.message,
        other_hearing_id=warning.other_hearing_id,
        member_id=warning.member_id,
        room_id=warning.room_id,
    )
