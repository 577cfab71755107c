"""What clients send and receive (the tables are in models.py)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Literal
from zoneinfo import available_timezones

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    Field,
    field_validator,
    model_validator,
)

from services.common.text import InputModel

RoomKind = Literal["physical", "video"]
Mode = Literal["in_person", "remote", "hybrid"]
MemberRole = Literal["president", "rapporteur", "member", "council"]
ActorKind = Literal[
    "company", "research", "association", "state_agency", "local_authority", "other"
]
Answer = Literal["yes", "maybe"]
MinutesStatus = Literal["draft", "validated", "published"]
Visibility = Literal["internal", "public"]
RowRef = Annotated[int, Field(ge=1, le=2**31 - 1)]


def _plausible(value: datetime) -> datetime:
    # Far years overflow once shifted to local time or lengthened by a duration.
    if not 1900 <= value.year <= 2200:
        raise ValueError("date hors de la plage acceptée (1900-2200)")
    return value


Moment = Annotated[AwareDatetime, AfterValidator(_plausible)]


def _wall_clock(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError("heure locale attendue, sans fuseau (le fuseau est celui de l'événement)")
    return value


LocalTime = Annotated[time, AfterValidator(_wall_clock)]
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class WindowIn(InputModel):
    start: Moment
    end: Moment

    @model_validator(mode="after")
    def _ordered(self) -> WindowIn:
        if self.end <= self.start:
            raise ValueError("la fin doit suivre le début")
        return self


class AnswerWindowIn(WindowIn):
    answer: Answer = "yes"


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
    rooms: list[RoomPublic]
    themes: list[ThemePublic]


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


class MemberIn(InputModel):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(max_length=320, pattern=EMAIL_PATTERN)
    role: MemberRole
    theme_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    unavailability: list[WindowIn] = Field(default_factory=list, max_length=200)


class MemberView(BaseModel):
    id: int
    name: str
    email: str
    role: str
    theme_id: int | None
    unavailability: list[list[datetime]]


class ContactIn(InputModel):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(max_length=320, pattern=EMAIL_PATTERN)


class ActorIn(InputModel):
    name: str = Field(min_length=1, max_length=200)
    kind: ActorKind
    contacts: list[ContactIn] = Field(default_factory=list, max_length=20)


class ContactView(BaseModel):
    id: int
    name: str
    email: str


class ActorView(BaseModel):
    id: int
    name: str
    kind: str
    contacts: list[ContactView]
    invitation_status: str | None
    # From the answers received (the largest delegation announced).
    delegation_size: int | None = None
    mode: str | None = None
    # Each answering person's windows (yes / maybe); the actor is free where all of them are.
    availability: list[list[dict[str, str]]] = Field(default_factory=list)


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


class TokenIn(InputModel):
    token: str = Field(min_length=10, max_length=100)


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


class AvailabilityAnswerIn(TokenIn):
    declined: bool = False
    delegation_size: int = Field(default=1, ge=1, le=50)
    mode: Mode = "in_person"
    contribution: str = Field(default="", max_length=20_000)
    availability: list[AnswerWindowIn] = Field(default_factory=list, max_length=200)
    version: int | None = Field(default=None, ge=1)


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


class MinutesIn(InputModel):
    body: str = Field(max_length=100_000)
    status: MinutesStatus = "draft"


class MinutesView(BaseModel):
    hearing_id: int
    body: str
    status: str
    version: int
    updated_at: datetime


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

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if value not in available_timezones():
            raise ValueError("fuseau horaire inconnu (nom IANA attendu, par exemple Europe/Paris)")
        return value


class ThemeIn(InputModel):
    name: str = Field(min_length=1, max_length=200)
    position: int = Field(default=0, ge=0, le=100)


class AttachmentView(BaseModel):
    id: int
    hearing_id: int
    filename: str
    content_type: str
    visibility: str
    created_at: datetime
