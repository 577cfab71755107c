"""The work-in-progress schedule read from the database into plain data for conflicts.py."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlmodel import Session, col, select

from services.auditions.conflicts import (
    EventRules,
    MemberInfo,
    PersonAvailability,
    Placement,
    Requirement,
    RoomInfo,
    Schedule,
    Warning,
    Window,
    compute_warnings,
)
from services.auditions.models import Actor, Contact, Event, Hearing, Invitation, PanelMember, Room


def parse_windows(raw: Iterable[Sequence[str]]) -> tuple[Window, ...]:
    return tuple((datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in raw)


def event_rules(event: Event) -> EventRules:
    return EventRules(
        timezone=event.timezone,
        starts_on=event.starts_on,
        ends_on=event.ends_on,
        excluded_dates=frozenset(date.fromisoformat(d) for d in event.excluded_dates),
        exclude_weekends=event.exclude_weekends,
        day_start=event.day_start,
        day_end=event.day_end,
        lunch_start=event.lunch_start,
        lunch_end=event.lunch_end,
        grid_minutes=event.grid_minutes,
        buffer_minutes=event.buffer_minutes,
    )


def hearings_of(session: Session, event_id: int) -> list[Hearing]:
    return list(
        session.exec(
            select(Hearing).where(Hearing.event_id == event_id).order_by(col(Hearing.id))
        ).all()
    )


def person_availability(invitation: Invitation, person: str) -> PersonAvailability:
    windows = [
        (datetime.fromisoformat(w["start"]), datetime.fromisoformat(w["end"]), w["answer"])
        for w in invitation.availability
    ]
    return PersonAvailability(
        person=person,
        available=tuple((a, b) for a, b, _ in windows),
        yes=tuple((a, b) for a, b, answer in windows if answer == "yes"),
    )


def placement(hearing: Hearing, people: frozenset[str] = frozenset()) -> Placement:
    assert hearing.id is not None
    return Placement(
        hearing_id=hearing.id,
        title=hearing.title,
        duration_minutes=hearing.duration_minutes,
        mode=hearing.mode,
        delegation_size=hearing.delegation_size,
        room_id=hearing.room_id,
        start=hearing.starts_at,
        member_ids=frozenset(hearing.member_ids),
        requirements=tuple(
            Requirement(frozenset(r["member_ids"]), int(r["min_count"]))
            for r in hearing.requirements
        ),
        actor_ids=frozenset(hearing.actor_ids),
        people=people,
        earliest_on=hearing.earliest_on,
        latest_on=hearing.latest_on,
    )


def load_schedule(session: Session, event: Event) -> Schedule:
    """The event's draft as `conflicts.Schedule` (cancelled hearings left out)."""
    assert event.id is not None
    rooms = session.exec(select(Room).where(Room.event_id == event.id)).all()
    members = session.exec(select(PanelMember).where(PanelMember.event_id == event.id)).all()
    availability: dict[int, list[PersonAvailability]] = defaultdict(list)
    for invitation in session.exec(
        select(Invitation).where(
            Invitation.event_id == event.id,
            # A declined invitation has no window: its actor is unavailable throughout.
            col(Invitation.status).in_(("answered", "declined")),
        )
    ).all():
        availability[invitation.actor_id].append(
            person_availability(invitation, f"contact:{invitation.contact_id}")
        )
    emails: dict[int, set[str]] = defaultdict(set)
    for contact in session.exec(
        select(Contact)
        .join(Actor, col(Actor.id) == col(Contact.actor_id))
        .where(Actor.event_id == event.id)
    ).all():
        emails[contact.actor_id].add(contact.email.lower())
    placements = tuple(
        placement(h, frozenset(e for a in h.actor_ids for e in emails.get(a, ())))
        for h in hearings_of(session, event.id)
        if not h.cancelled
    )
    return Schedule(
        rules=event_rules(event),
        rooms={
            r.id: RoomInfo(r.id, r.name, r.kind, r.capacity, parse_windows(r.availability))
            for r in rooms
            if r.id is not None
        },
        members={
            m.id: MemberInfo(m.id, m.name, m.role, parse_windows(m.unavailability))
            for m in members
            if m.id is not None
        },
        actor_availability={k: tuple(v) for k, v in availability.items()},
        placements=placements,
    )


def draft_warnings(session: Session, event: Event) -> list[Warning]:
    return compute_warnings(load_schedule(session, event))
