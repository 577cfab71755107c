"""The hearings service's tables (API shapes live in schemas.py).

Times are stored in UTC; the event holds its IANA time zone and its local day rules.
Availability windows are small JSON lists on their owner (a room, a member, an invitation):
they are always read together with it, and the warnings are computed in memory.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import JSON, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from services.common.audit import audit_table
from services.common.mail import outbox_table
from services.common.sql import UTCDateTime, new_registry, utcnow


class AuditionsModel(SQLModel, registry=new_registry()):
    """Abstract base: the hearings' own metadata, invisible to other services."""


# Messages waiting to be sent (services.common.mail).
outbox = outbox_table(AuditionsModel.metadata)
# What staff did (services.common.audit).
audit_log = audit_table(AuditionsModel.metadata)


def _json_list() -> Any:
    return Field(default_factory=list, sa_type=JSON)


class Event(AuditionsModel, table=True):
    __tablename__ = "event"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=220, unique=True)
    title: str = Field(max_length=200)
    description: str = Field(max_length=4000)
    starts_on: date
    ends_on: date
    location: str = Field(max_length=300)
    # Organisers prepare an event before its agenda is made public.
    published: bool = Field(default=False, index=True)
    timezone: str = Field(default="Europe/Paris", max_length=60)
    # ISO dates with no hearing (14 July); weekends are excluded by `exclude_weekends`.
    excluded_dates: list[str] = _json_list()
    exclude_weekends: bool = True
    day_start: time = time(9, 0)
    day_end: time = time(19, 0)
    lunch_start: time | None = time(12, 30)
    lunch_end: time | None = time(14, 0)
    grid_minutes: int = 15
    buffer_minutes: int = 15
    # The invitations' ORGANIZER, which receives the answers; None: the deployment's
    # (AUDITIONS_ORGANIZER_EMAIL).
    organizer_email: str | None = Field(default=None, max_length=320)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    version: int = Field(default=1)


class Room(AuditionsModel, table=True):
    __tablename__ = "room"

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    name: str = Field(max_length=120)
    # "physical" (with a capacity) or "video" (a link).
    kind: str = Field(max_length=20)
    capacity: int | None = None
    video_url: str | None = Field(default=None, max_length=500)
    # [[start, end], ...] in UTC ISO; empty: open whenever the event runs.
    availability: list[list[str]] = _json_list()


class Theme(AuditionsModel, table=True):
    __tablename__ = "theme"

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    name: str = Field(max_length=200)
    position: int = 0


class PanelMember(AuditionsModel, table=True):
    __tablename__ = "panel_member"

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    name: str = Field(max_length=200)
    email: str = Field(max_length=320)
    # president, rapporteur, member, council
    role: str = Field(max_length=20)
    theme_id: int | None = Field(default=None, foreign_key="theme.id")
    # [[start, end], ...] in UTC ISO.
    unavailability: list[list[str]] = _json_list()
    # SHA-256 of the secret calendar feed token.
    feed_token_hash: str | None = Field(default=None, max_length=64, index=True)
    # Bumped by each organiser's edit (If-Match); renewing the feed link is not an edit.
    version: int = 1


class Actor(AuditionsModel, table=True):
    __tablename__ = "actor"

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    name: str = Field(max_length=200)
    # company, research, association, state_agency, local_authority, other
    kind: str = Field(max_length=30)


class Contact(AuditionsModel, table=True):
    """A person speaking for an actor: private data, never public."""

    __tablename__ = "contact"

    id: int | None = Field(default=None, primary_key=True)
    actor_id: int = Field(foreign_key="actor.id", index=True)
    name: str = Field(max_length=200)
    email: str = Field(max_length=320)
    feed_token_hash: str | None = Field(default=None, max_length=64, index=True)


class Invitation(AuditionsModel, table=True):
    """One contact person's personal link and answer."""

    __tablename__ = "invitation"

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    actor_id: int = Field(foreign_key="actor.id", index=True)
    contact_id: int = Field(foreign_key="contact.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    # sent, answered, declined
    status: str = Field(default="sent", max_length=20)
    sent_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    reminders_sent: int = 0
    last_reminder_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    delegation_size: int | None = None
    mode: str | None = Field(default=None, max_length=20)
    contribution: str | None = Field(default=None, sa_type=Text)
    # [{"start", "end", "answer": "yes"|"maybe"}] in UTC ISO; what is not covered is "no".
    availability: list[dict[str, str]] = _json_list()
    version: int = 1


class Hearing(AuditionsModel, table=True):
    __tablename__ = "hearing"

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    title: str = Field(max_length=300)
    theme_id: int | None = Field(default=None, foreign_key="theme.id")
    actor_ids: list[int] = _json_list()
    duration_minutes: int
    # in_person, remote, hybrid
    mode: str = Field(max_length=20)
    delegation_size: int = 1
    # [{"member_ids": [...], "min_count": k}]; "the president" is one such rule.
    requirements: list[dict[str, Any]] = _json_list()
    priority: int = 0
    earliest_on: date | None = None
    latest_on: date | None = None
    locked: bool = False
    # The draft placement (the work-in-progress schedule) and the members sitting.
    room_id: int | None = Field(default=None, foreign_key="room.id")
    starts_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    member_ids: list[int] = _json_list()
    cancelled: bool = False
    # One UID for the hearing's whole life; SEQUENCE rises with each published change.
    ical_uid: str = Field(max_length=200, unique=True)
    ical_sequence: int = 0
    version: int = 1


class HearingReply(AuditionsModel, table=True):
    """One invited person's answer to a hearing's invitation (an imported iMIP REPLY).

    One row per person and hearing, replaced by a newer answer: SEQUENCE first, then DTSTAMP
    order them (RFC 5546 §2.1.5), so an older reply imported late never wins.
    """

    __tablename__ = "hearing_reply"
    __table_args__ = (UniqueConstraint("hearing_id", "email"),)

    id: int | None = Field(default=None, primary_key=True)
    hearing_id: int = Field(foreign_key="hearing.id", index=True)
    # Lower-cased, as the invitation was addressed.
    email: str = Field(max_length=320)
    # ACCEPTED, DECLINED, TENTATIVE
    partstat: str = Field(max_length=20)
    sequence: int
    replied_at: datetime = Field(sa_type=UTCDateTime())
    imported_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    # The COMMENT a client lets the person add ("je serai en retard"), shown as text.
    comment: str | None = Field(default=None, max_length=1000)


class Release(AuditionsModel, table=True):
    """A frozen, named version of the schedule; the public agenda is the latest one."""

    __tablename__ = "release"

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    name: str = Field(max_length=100)
    changelog: str = Field(sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    overridden_warnings: int = 0
    # The public view of every placed hearing at release time (see releases.py).
    entries: list[dict[str, Any]] = _json_list()


class Minutes(AuditionsModel, table=True):
    __tablename__ = "minutes"

    id: int | None = Field(default=None, primary_key=True)
    hearing_id: int = Field(foreign_key="hearing.id", unique=True)
    body: str = Field(default="", sa_type=Text)
    # draft, validated, published
    status: str = Field(default="draft", max_length=20)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    version: int = 1


class HearingAttachment(AuditionsModel, table=True):
    __tablename__ = "hearing_attachment"

    id: int | None = Field(default=None, primary_key=True)
    hearing_id: int = Field(foreign_key="hearing.id", index=True)
    filename: str = Field(max_length=200)
    content_type: str = Field(max_length=100)
    data: bytes = Field(sa_type=LargeBinary)
    # internal or public
    visibility: str = Field(default="internal", max_length=20)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())


class SolverRun(AuditionsModel, table=True):
    """One automatic scheduling job: queued by an organiser, solved by a background worker.

    A worker claims a run by writing its name and a lease (`claimed_until`); it renews the
    lease while solving, so a crashed replica's run is taken over once the lease lapses and
    two replicas never solve the same run at once. The draft is never written here: the
    plan waits in `result` until an organiser applies it.
    """

    __tablename__ = "solver_run"

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    # plan (place everything) or repair (keep the latest release, move as few as possible)
    kind: str = Field(default="plan", max_length=20)
    # queued, running, done, failed
    status: str = Field(default="queued", max_length=20, index=True)
    time_limit_seconds: int
    random_seed: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    claimed_by: str | None = Field(default=None, max_length=100)
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime())
    attempts: int = 0
    # Share of the time limit spent, 0 to 1.
    progress: float = 0.0
    # CP-SAT's status: OPTIMAL, FEASIBLE, INFEASIBLE, UNKNOWN, MODEL_INVALID
    solver_status: str | None = Field(default=None, max_length=20)
    objective: float | None = None
    best_bound: float | None = None
    first_solution_seconds: float | None = None
    wall_seconds: float | None = None
    # The pre-checks' findings, in plain French: [{"kind", "message", "hearing_ids"}]
    prechecks: list[dict[str, Any]] = _json_list()
    # The best plan so far: {"placements": [...], "unplaced": [...], "moved": [...], ...}
    result: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    error: str | None = Field(default=None, sa_type=Text)
    applied_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
