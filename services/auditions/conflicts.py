"""Warnings of a schedule: a pure function of plain data, no database, no HTTP.

The editor calls it on every change and a solver will call it on its own plans, so it takes
frozen dataclasses and answers in a few milliseconds for a full event (sweeps over sorted
intervals, never all pairs of hearings). Warnings never block the draft; "hard" ones need an
explicit override at release.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

Window = tuple[datetime, datetime]

HARD = "hard"
SOFT = "soft"


@dataclass(frozen=True)
class EventRules:
    timezone: str
    starts_on: date
    ends_on: date
    excluded_dates: frozenset[date]
    exclude_weekends: bool
    day_start: time
    day_end: time
    lunch_start: time | None
    lunch_end: time | None
    grid_minutes: int
    buffer_minutes: int


@dataclass(frozen=True)
class RoomInfo:
    id: int
    name: str
    kind: str  # physical | video
    capacity: int | None
    availability: tuple[Window, ...] = ()  # empty: always open


@dataclass(frozen=True)
class MemberInfo:
    id: int
    name: str
    role: str
    unavailability: tuple[Window, ...] = ()


@dataclass(frozen=True)
class PersonAvailability:
    """One contact person's answer: windows where they can come (yes or if need be)."""

    person: str  # a stable private key (the contact's e-mail), never shown
    available: tuple[Window, ...]
    yes: tuple[Window, ...]


@dataclass(frozen=True)
class Requirement:
    member_ids: frozenset[int]
    min_count: int


@dataclass(frozen=True)
class Placement:
    hearing_id: int
    title: str
    duration_minutes: int
    mode: str  # in_person | remote | hybrid
    delegation_size: int
    room_id: int | None
    start: datetime | None
    member_ids: frozenset[int] = frozenset()
    requirements: tuple[Requirement, ...] = ()
    actor_ids: frozenset[int] = frozenset()
    people: frozenset[str] = frozenset()
    earliest_on: date | None = None
    latest_on: date | None = None

    @property
    def end(self) -> datetime | None:
        if self.start is None:
            return None
        return self.start + timedelta(minutes=self.duration_minutes)


@dataclass(frozen=True)
class Schedule:
    rules: EventRules
    rooms: dict[int, RoomInfo]
    members: dict[int, MemberInfo]
    # actor id -> the answers of its people (no answer: no constraint known)
    actor_availability: dict[int, tuple[PersonAvailability, ...]]
    placements: tuple[Placement, ...]


@dataclass(frozen=True)
class Warning:
    kind: str
    severity: str
    hearing_id: int
    message: str
    other_hearing_id: int | None = None
    member_id: int | None = None
    room_id: int | None = None


@dataclass
class _Collector:
    items: list[Warning] = field(default_factory=list)

    def add(self, kind: str, severity: str, hearing: Placement, message: str, **ids: int) -> None:
        self.items.append(Warning(kind, severity, hearing.hearing_id, message, **ids))


def compute_warnings(schedule: Schedule) -> list[Warning]:
    """Every warning of the schedule, sorted by hearing then kind."""
    out = _Collector()
    placed = [p for p in schedule.placements if p.start is not None]
    for hearing in schedule.placements:
        if hearing.start is None:
            out.add("unscheduled", SOFT, hearing, f"« {hearing.title} » n'est pas placée.")
    zone = ZoneInfo(schedule.rules.timezone)
    for hearing in placed:
        _check_calendar(schedule.rules, zone, hearing, out)
        _check_room(schedule, hearing, out)
        _check_actor(schedule, hearing, out)
        _check_members(schedule, hearing, out)
    _check_overlaps(schedule, placed, out)
    return sorted(out.items, key=lambda w: (w.hearing_id, w.kind, w.other_hearing_id or 0))


def _check_calendar(rules: EventRules, zone: ZoneInfo, hearing: Placement, out: _Collector) -> None:
    assert hearing.start is not None
    assert hearing.end is not None
    start = hearing.start.astimezone(zone)
    end = hearing.end.astimezone(zone)
    day = start.date()
    if hearing.duration_minutes % rules.grid_minutes or start.minute % rules.grid_minutes:
        out.add("off_grid", HARD, hearing, f"Hors de la grille de {rules.grid_minutes} minutes.")
    if not rules.starts_on <= day <= rules.ends_on:
        out.add("outside_event", HARD, hearing, "En dehors des dates de l'événement.")
    elif day in rules.excluded_dates or (rules.exclude_weekends and day.weekday() >= 5):
        out.add("excluded_date", HARD, hearing, f"Le {day:%d/%m} est exclu du calendrier.")
    if end.date() != day or start.time() < rules.day_start or end.time() > rules.day_end:
        out.add("outside_hours", HARD, hearing, "En dehors des heures de l'événement.")
    elif (
        rules.lunch_start
        and rules.lunch_end
        and start.time() < rules.lunch_end
        and end.time() > rules.lunch_start
    ):
        out.add("lunch_break", HARD, hearing, "Empiète sur la pause déjeuner.")
    if (hearing.earliest_on and day < hearing.earliest_on) or (
        hearing.latest_on and day > hearing.latest_on
    ):
        out.add("outside_dates", SOFT, hearing, "En dehors des dates souhaitées pour l'audition.")


def _check_room(schedule: Schedule, hearing: Placement, out: _Collector) -> None:
    room = schedule.rooms.get(hearing.room_id) if hearing.room_id is not None else None
    if room is None:
        out.add("no_room", HARD, hearing, "Aucune salle n'est choisie.")
        return
    window = _window(hearing)
    if room.availability and not _inside(window, room.availability):
        out.add(
            "room_unavailable", HARD, hearing, f"{room.name} n'est pas disponible.", room_id=room.id
        )
    if room.kind == "physical" and room.capacity is not None:
        seats = hearing.delegation_size + len(hearing.member_ids)
        if seats > room.capacity:
            out.add(
                "capacity_exceeded",
                HARD,
                hearing,
                f"{seats} personnes pour {room.capacity} places en {room.name}.",
                room_id=room.id,
            )
    if (hearing.mode == "remote" and room.kind != "video") or (
        hearing.mode == "in_person" and room.kind == "video"
    ):
        out.add(
            "mode_mismatch",
            HARD,
            hearing,
            f"Le mode ne convient pas à {room.name}.",
            room_id=room.id,
        )


def _check_actor(schedule: Schedule, hearing: Placement, out: _Collector) -> None:
    window = _window(hearing)
    only_maybe = False
    for actor_id in sorted(hearing.actor_ids):
        for person in schedule.actor_availability.get(actor_id, ()):
            if not _inside(window, person.available):
                out.add(
                    "actor_unavailable",
                    HARD,
                    hearing,
                    "L'organisation auditionnée n'est pas disponible.",
                )
                return
            only_maybe = only_maybe or not _inside(window, person.yes)
    if only_maybe:
        out.add(
            "actor_if_need_be", SOFT, hearing, "L'organisation n'est disponible que « si besoin »."
        )


def _check_members(schedule: Schedule, hearing: Placement, out: _Collector) -> None:
    window = _window(hearing)
    for member_id in sorted(hearing.member_ids):
        member = schedule.members.get(member_id)
        if member is not None and _overlaps_any(window, member.unavailability):
            out.add(
                "member_unavailable",
                HARD,
                hearing,
                f"{member.name} est indisponible.",
                member_id=member_id,
            )
    for requirement in hearing.requirements:
        present = len(requirement.member_ids & hearing.member_ids)
        if present < requirement.min_count:
            names = ", ".join(
                schedule.members[m].name
                for m in sorted(requirement.member_ids)
                if m in schedule.members
            )
            out.add(
                "requirement_unmet",
                HARD,
                hearing,
                f"Il faut au moins {requirement.min_count} de : {names}.",
            )


def _check_overlaps(schedule: Schedule, placed: Sequence[Placement], out: _Collector) -> None:
    buffer = timedelta(minutes=schedule.rules.buffer_minutes)
    by_room: dict[int, list[Placement]] = defaultdict(list)
    by_member: dict[int, list[Placement]] = defaultdict(list)
    by_person: dict[str, list[Placement]] = defaultdict(list)
    for hearing in placed:
        if hearing.room_id is not None:
            by_room[hearing.room_id].append(hearing)
        for member_id in hearing.member_ids:
            by_member[member_id].append(hearing)
        for person in hearing.people:
            by_person[person].append(hearing)
    for room_id, hearings in by_room.items():
        name = schedule.rooms[room_id].name if room_id in schedule.rooms else "La salle"
        for first, second in _clashes(hearings, buffer):
            for a, b in ((first, second), (second, first)):
                out.add(
                    "room_taken",
                    HARD,
                    a,
                    f"{name} est déjà prise (battement compris).",
                    other_hearing_id=b.hearing_id,
                    room_id=room_id,
                )
    for member_id, hearings in by_member.items():
        name = schedule.members[member_id].name if member_id in schedule.members else "Un membre"
        for first, second in _clashes(hearings, timedelta(0)):
            for a, b in ((first, second), (second, first)):
                out.add(
                    "member_double_booked",
                    HARD,
                    a,
                    f"{name} siège dans deux auditions à la fois.",
                    other_hearing_id=b.hearing_id,
                    member_id=member_id,
                )
    for hearings in by_person.values():
        for first, second in _clashes(hearings, timedelta(0)):
            for a, b in ((first, second), (second, first)):
                out.add(
                    "person_double_booked",
                    HARD,
                    a,
                    "Une même personne est attendue dans deux auditions à la fois.",
                    other_hearing_id=b.hearing_id,
                )


def _clashes(hearings: list[Placement], buffer: timedelta) -> Iterable[tuple[Placement, Placement]]:
    """Pairs whose [start, end + buffer) overlap: a sweep over hearings sorted by start."""
    ordered = sorted(hearings, key=lambda h: (h.start, h.hearing_id))
    active: list[Placement] = []
    for hearing in ordered:
        assert hearing.start is not None
        active = [a for a in active if a.end is not None and a.end + buffer > hearing.start]
        for earlier in active:
            yield earlier, hearing
        active.append(hearing)


def _window(hearing: Placement) -> Window:
    assert hearing.start is not None
    assert hearing.end is not None
    return hearing.start, hearing.end


def _inside(window: Window, windows: Iterable[Window]) -> bool:
    start, end = window
    return any(a <= start and end <= b for a, b in merge_windows(windows))


def _overlaps_any(window: Window, windows: Iterable[Window]) -> bool:
    start, end = window
    return any(a < end and start < b for a, b in windows)


def merge_windows(windows: Iterable[Window]) -> list[Window]:
    """Touching or overlapping windows joined, sorted."""
    merged: list[Window] = []
    for start, end in sorted(windows):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
