"""Events built from a seed: the July 2023 demo and larger ones for the benchmarks.

Everything is drawn from `random.Random(seed)`, so a run is reproducible. Hearings are
placed greedily (first free room and time that suits the actor and the members), which
gives a full, mostly clean schedule to edit, release and measure.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from services.auditions.models import (
    Actor,
    Contact,
    Event,
    Hearing,
    Invitation,
    PanelMember,
    Room,
    Theme,
)
from services.common.private_links import issue

AXES = (
    "Axe 1 : observer les usages de l'IA dans les territoires",
    "Axe 2 : partager les cas d'usage et les données",
    "Axe 3 : former, accompagner et encadrer",
)
KINDS = ("company", "research", "association", "state_agency", "local_authority")
HALF_DAYS = ((time(9, 0), time(12, 30)), (time(14, 0), time(19, 0)))


@dataclass(frozen=True)
class Shape:
    slug: str
    title: str
    starts_on: date
    ends_on: date
    hearings: int
    members: int
    rooms: tuple[tuple[str, str, int | None], ...]
    seed: int = 1
    published: bool = True


JULY_2023 = Shape(
    slug="auditions-nationales-2023",
    title="Auditions nationales de juillet 2023",
    starts_on=date(2023, 7, 11),
    ends_on=date(2023, 7, 20),
    hearings=40,
    members=12,
    rooms=(
        ("Salle Marianne", "physical", 40),
        ("Salle Lamartine", "physical", 25),
        ("Salle Condorcet", "physical", 12),
        ("Visioconférence", "video", None),
    ),
)


def working_days(event: Event) -> list[date]:
    excluded = {date.fromisoformat(d) for d in event.excluded_dates}
    days = []
    day = event.starts_on
    while day <= event.ends_on:
        if day not in excluded and not (event.exclude_weekends and day.weekday() >= 5):
            days.append(day)
        day += timedelta(days=1)
    return days


def build_event(
    session: Session, shape: Shape, *, excluded: tuple[date, ...] = (date(2023, 7, 14),)
) -> Event:
    rng = random.Random(shape.seed)  # noqa: S311 - reproducible demo data, not secrets
    event = Event(
        slug=shape.slug,
        title=shape.title,
        published=shape.published,
        location="Paris",
        description="La commission entend collectivités, entreprises, chercheurs, associations et "
        "services de l'État sur l'intelligence artificielle dans les territoires.",
        starts_on=shape.starts_on,
        ends_on=shape.ends_on,
        excluded_dates=[d.isoformat() for d in excluded],
    )
    session.add(event)
    session.flush()
    assert event.id is not None
    zone = ZoneInfo(event.timezone)
    days = working_days(event)
    themes = [Theme(event_id=event.id, name=name, position=i) for i, name in enumerate(AXES)]
    rooms = [
        Room(
            event_id=event.id,
            name=n,
            kind=k,
            capacity=c,
            video_url="https://visio.example.org/auditions" if k == "video" else None,
        )
        for n, k, c in shape.rooms
    ]
    session.add_all([*themes, *rooms])
    session.flush()
    members = _members(event.id, shape.members, themes, days, zone, rng)
    session.add_all(members)
    session.flush()
    busy: dict[object, list[tuple[datetime, datetime]]] = {}
    for index in range(shape.hearings):
        theme = themes[index % len(themes)]
        actor = Actor(
            event_id=event.id, name=f"Organisation {index + 1:03d}", kind=rng.choice(KINDS)
        )
        session.add(actor)
        session.flush()
        assert actor.id is not None
        contact = Contact(
            actor_id=actor.id,
            name=f"Contact {index + 1:03d}",
            email=f"contact{index + 1:03d}@organisation.example",
        )
        session.add(contact)
        session.flush()
        assert contact.id is not None
        windows = _answers(days, zone, rng)
        session.add(
            Invitation(
                event_id=event.id,
                actor_id=actor.id,
                contact_id=contact.id,
                token_hash=issue().digest,
                status="answered",
                answered_at=datetime.now(UTC),
                delegation_size=rng.randint(1, 6),
                mode="in_person",
                availability=windows,
            )
        )
        rapporteurs = [m.id for m in members if m.theme_id == theme.id and m.id is not None]
        hearing = Hearing(
            event_id=event.id,
            title=f"Audition de l'organisation {index + 1:03d}",
            theme_id=theme.id,
            actor_ids=[actor.id],
            duration_minutes=rng.choice((30, 45, 60, 60, 90)),
            mode=rng.choice(("in_person", "in_person", "hybrid", "remote")),
            delegation_size=rng.randint(1, 6),
            priority=rng.randint(0, 3),
            requirements=[{"member_ids": rapporteurs, "min_count": 1}] if rapporteurs else [],
            ical_uid=f"hearing-{uuid.uuid4()}@auditions",
        )
        _place(hearing, event, days, zone, rooms, members, windows, busy)
        session.add(hearing)
    session.flush()
    return event


def _members(
    event_id: int,
    count: int,
    themes: list[Theme],
    days: list[date],
    zone: ZoneInfo,
    rng: random.Random,
) -> list[PanelMember]:
    members = []
    for i in range(count):
        if i == 0:
            role, theme_id = "president", None
        elif i <= 2 * len(themes):
            role, theme_id = "rapporteur", themes[(i - 1) // 2].id
        else:
            role, theme_id = ("council" if i % 4 == 0 else "member"), None
        unavailable = [
            [
                datetime.combine(d, a, zone).astimezone(UTC).isoformat(),
                datetime.combine(d, b, zone).astimezone(UTC).isoformat(),
            ]
            for d in days
            for a, b in HALF_DAYS
            if rng.random() < 0.1
        ]
        members.append(
            PanelMember(
                event_id=event_id,
                name=f"Membre {i + 1:02d}",
                email=f"membre{i + 1:02d}@commission.example",
                role=role,
                theme_id=theme_id,
                unavailability=unavailable,
            )
        )
    return members


def _answers(days: list[date], zone: ZoneInfo, rng: random.Random) -> list[dict[str, str]]:
    windows = []
    for d in days:
        for a, b in HALF_DAYS:
            draw = rng.random()
            if draw < 0.7:
                windows.append(
                    {
                        "start": datetime.combine(d, a, zone).astimezone(UTC).isoformat(),
                        "end": datetime.combine(d, b, zone).astimezone(UTC).isoformat(),
                        "answer": "yes" if draw < 0.5 else "maybe",
                    }
                )
    return windows


def _starts(days: list[date], zone: ZoneInfo, length: timedelta, grid: int) -> Iterator[datetime]:
    """Every start on the grid, day by day, whose hearing fits in a half-day."""
    for day in days:
        for a, b in HALF_DAYS:
            start, close = datetime.combine(day, a, zone), datetime.combine(day, b, zone)
            while start + length <= close:
                yield start
                start += timedelta(minutes=grid)


def _place(
    hearing: Hearing,
    event: Event,
    days: list[date],
    zone: ZoneInfo,
    rooms: list[Room],
    members: list[PanelMember],
    windows: list[dict[str, str]],
    busy: dict[object, list[tuple[datetime, datetime]]],
) -> None:
    """The first start, room and member free for this hearing, if any (greedy)."""
    length = timedelta(minutes=hearing.duration_minutes)
    buffer = timedelta(minutes=event.buffer_minutes)
    open_ = [
        (datetime.fromisoformat(w["start"]), datetime.fromisoformat(w["end"])) for w in windows
    ]
    candidates = hearing.requirements[0]["member_ids"] if hearing.requirements else []
    for start in _starts(days, zone, length, event.grid_minutes):
        end = start + length
        if not any(s <= start and end <= e for s, e in open_):
            continue
        sitting = [
            m
            for m in candidates
            if _free(busy, ("m", m), start, end, timedelta(0))
            and not _blocked(members, m, start, end)
        ][:1]
        if candidates and not sitting:
            continue
        room = next(
            (
                r
                for r in rooms
                if _suits(hearing, r) and _free(busy, ("r", r.id), start, end, buffer)
            ),
            None,
        )
        if room is None:
            continue
        hearing.room_id, hearing.starts_at, hearing.member_ids = (
            room.id,
            start.astimezone(UTC),
            sitting,
        )
        for key in [("r", room.id), *(("m", m) for m in sitting)]:
            busy.setdefault(key, []).append((start, end))
        return


def _suits(hearing: Hearing, room: Room) -> bool:
    if hearing.mode == "remote":
        return room.kind == "video"
    if hearing.mode == "in_person" and room.kind == "video":
        return False
    return room.capacity is None or room.capacity >= hearing.delegation_size + 1


def _free(
    busy: dict[object, list[tuple[datetime, datetime]]],
    key: object,
    start: datetime,
    end: datetime,
    buffer: timedelta,
) -> bool:
    return all(end + buffer <= s or e + buffer <= start for s, e in busy.get(key, []))


def _blocked(members: list[PanelMember], member_id: int, start: datetime, end: datetime) -> bool:
    member = next(m for m in members if m.id == member_id)
    return any(
        datetime.fromisoformat(a) < end and start < datetime.fromisoformat(b)
        for a, b in member.unavailability
    )
