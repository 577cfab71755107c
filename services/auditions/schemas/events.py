"""Events, their rooms and themes: what organisers send, what everyone reads."""

from __future__ import annotations

from datetime import date, time
from typing import Literal
from zoneinfo import available_timezones

from pydantic import (
    BaseModel,
    Field,
    field_validator,
)
from sqlmodel import Session, col, select

from services.auditions.models import Event, Room, Theme
from services.auditions.schemas.common import EMAIL_PATTERN, LocalTime, RoomKind, WindowIn
from services.common.text import InputModel


class EventPublic(BaseModel):
    id: int
    slug: str
    title: str
    description: str
    starts_on: date
    ends_on: date
    location: str
    timezone: str


class EventDetail(EventPublic):
    excluded_dates: list[date]
    exclude_weekends: bool
    day_start: str
    day_end: str
    lunch_start: str | None
    lunch_end: str | None
    grid_minutes: int
    buffer_minutes: int
    # Where calendar clients send their answers; None: the service's default address.
    organizer_email: str | None
    rooms: list[RoomPublic]
    themes: list[ThemePublic]
    # The version to send back in If-Match when editing the event.
    version: int


class RoomIn(InputModel):
    name: str = Field(min_length=1, max_length=120)
    kind: RoomKind
    capacity: int | None = Field(default=None, ge=1, le=10_000)
    video_url: str | None = Field(default=None, max_length=500)
    availability: list[WindowIn] = Field(default_factory=list, max_length=200)


class RoomPublic(BaseModel):
    id: int
    name: str
    kind: str
    capacity: int | None


class ThemePublic(BaseModel):
    id: int
    name: str


class EventIn(InputModel):
    title: str = Field(min_length=3, max_length=200)
    description: str = Field(default="", max_length=4000)
    location: str = Field(default="", max_length=300)
    starts_on: date
    ends_on: date
    published: bool = False
    timezone: str = Field(default="Europe/Paris", max_length=60)
    excluded_dates: list[date] = Field(default_factory=list, max_length=400)
    exclude_weekends: bool = True
    day_start: LocalTime = time(9, 0)
    day_end: LocalTime = time(19, 0)
    lunch_start: LocalTime | None = time(12, 30)
    lunch_end: LocalTime | None = time(14, 0)
    grid_minutes: Literal[5, 10, 15, 20, 30, 60] = 15
    buffer_minutes: int = Field(default=15, ge=0, le=120)
    # The invitations' ORGANIZER (it receives the answers); None: the service's default.
    organizer_email: str | None = Field(default=None, max_length=320, pattern=EMAIL_PATTERN)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if value not in available_timezones():
            raise ValueError("fuseau horaire inconnu (nom IANA attendu, par exemple Europe/Paris)")
        return value


class OrganizerIn(InputModel):
    """The mailbox named ORGANIZER in the invitations; null: the service's default."""

    organizer_email: str | None = Field(max_length=320, pattern=EMAIL_PATTERN)


class ThemeIn(InputModel):
    name: str = Field(min_length=1, max_length=200)
    position: int = Field(default=0, ge=0, le=100)


def event_public(event: Event) -> EventPublic:
    return EventPublic.model_validate(event, from_attributes=True)


def _hhmm(value: time | None) -> str | None:
    return None if value is None else value.strftime("%H:%M")


def event_detail(session: Session, event: Event) -> EventDetail:
    rooms = session.exec(select(Room).where(Room.event_id == event.id).order_by(col(Room.id))).all()
    themes = session.exec(
        select(Theme).where(Theme.event_id == event.id).order_by(col(Theme.position), col(Theme.id))
    ).all()
    return EventDetail(
        **event_public(event).model_dump(),
        excluded_dates=[date.fromisoformat(d) for d in event.excluded_dates],
        exclude_weekends=event.exclude_weekends,
        day_start=_hhmm(event.day_start) or "",
        day_end=_hhmm(event.day_end) or "",
        lunch_start=_hhmm(event.lunch_start),
        lunch_end=_hhmm(event.lunch_end),
        grid_minutes=event.grid_minutes,
        buffer_minutes=event.buffer_minutes,
        organizer_email=event.organizer_email,
        rooms=[RoomPublic.model_validate(r, from_attributes=True) for r in rooms],
        themes=[ThemePublic.model_validate(t, from_attributes=True) for t in themes],
        version=event.version,
    )
