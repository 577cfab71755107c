"""What the solver places: each hearing's possible starts, rooms and members, as plain data.

Built from the same `conflicts.Schedule` the warnings read, so the solver and the warnings
agree on every rule: calendar, lunch, actor windows (the intersection of its people's
answers), room mode, capacity and opening, members' unavailability.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from services.auditions.conflicts import Placement, Schedule, Window, merge_windows
from services.auditions.solver.grid import Grid, working_days

MODES = {"in_person": "en présentiel", "remote": "à distance", "hybrid": "hybride"}


@dataclass(frozen=True)
class Previous:
    """Where a hearing stands before the run (the draft, or the release being repaired)."""

    start: int
    room_id: int
    member_ids: frozenset[int]


@dataclass
class Task:
    hearing_id: int
    title: str
    duration: int
    delegation_size: int
    theme_id: int | None
    priority: int
    starts: list[int] = field(default_factory=list)
    yes: set[int] = field(default_factory=set)
    rooms: dict[int, list[int]] = field(default_factory=dict)
    requirements: list[tuple[tuple[int, ...], int]] = field(default_factory=list)
    pinned: frozenset[int] = frozenset()
    blocked: dict[int, set[int]] = field(default_factory=dict)
    people: frozenset[str] = frozenset()
    previous: Previous | None = None
    reason: str | None = None

    @property
    def candidates(self) -> list[int]:
        return sorted({m for members, _ in self.requirements for m in members} - self.pinned)


@dataclass(frozen=True)
class Fixed:
    """A locked hearing: it does not move, the others work around it."""

    hearing_id: int
    start: int
    duration: int
    room_id: int | None
    member_ids: frozenset[int]
    people: frozenset[str]


@dataclass(frozen=True)
class Instance:
    grid: Grid
    schedule: Schedule
    tasks: list[Task]
    fixed: list[Fixed]
    # hearing id -> reason, for locked hearings the solver cannot use
    set_aside: dict[int, str]


class _Windows:
    """Merged windows with O(log n) containment tests."""

    def __init__(self, windows: Iterable[Window]) -> None:
        self.merged = merge_windows(windows)
        self.starts = [a for a, _ in self.merged]

    def contains(self, start: datetime, end: datetime) -> bool:
        i = bisect_right(self.starts, start) - 1
        return i >= 0 and self.merged[i][1] >= end

    def overlaps(self, start: datetime, end: datetime) -> bool:
        # Disjoint sorted windows: the last one opening before `end` reaches furthest.
        i = bisect_left(self.starts, end) - 1
        return i >= 0 and self.merged[i][1] > start


def build_instance(
    schedule: Schedule,
    *,
    locked: set[int],
    themes: Mapping[int, int | None],
    priorities: Mapping[int, int],
    previous: Mapping[int, tuple[datetime, int, frozenset[int]]],
) -> Instance:
    """Tasks for every hearing that may move, fixed intervals for the locked ones."""
    grid = Grid(schedule.rules, working_days(schedule.rules))
    tasks, fixed, set_aside = [], [], {}
    for placement in schedule.placements:
        if placement.hearing_id in locked:
            start = grid.index(placement.start) if placement.start else None
            if start is None:
                set_aside[placement.hearing_id] = (
                    "Verrouillée sans créneau valable : déverrouillez-la pour que le calcul la place."
                )
                continue
            fixed.append(
                Fixed(
                    placement.hearing_id,
                    start,
                    placement.duration_minutes,
                    placement.room_id,
                    placement.member_ids,
                    placement.people,
                )
            )
            continue
        task = _task(grid, schedule, placement, themes, priorities)
        before = previous.get(placement.hearing_id)
        if before is not None:
            start = grid.index(before[0])
            if start is not None:
                task.previous = Previous(start, before[1], before[2])
        tasks.append(task)
    return Instance(grid, schedule, tasks, fixed, set_aside)


def _calendar_starts(grid: Grid, placement: Placement) -> list[int]:
    rules = grid.rules
    lunch = grid.lunch()
    duration = placement.duration_minutes
    starts = []
    for index, day in enumerate(grid.days):
        if (placement.earliest_on and day < placement.earliest_on) or (
            placement.latest_on and day > placement.latest_on
        ):
            continue
        for minute in range(0, grid.day_minutes - duration + 1, rules.grid_minutes):
            if lunch and minute < lunch[1] and minute + duration > lunch[0]:
                continue
            starts.append(index * grid.stride + minute)
    return starts


def _task(
    grid: Grid,
    schedule: Schedule,
    placement: Placement,
    themes: Mapping[int, int | None],
    priorities: Mapping[int, int],
) -> Task:
    requirements = [(tuple(sorted(r.member_ids)), r.min_count) for r in placement.requirements]
    named = {m for members, _ in requirements for m in members}
    task = Task(
        hearing_id=placement.hearing_id,
        title=placement.title,
        duration=placement.duration_minutes,
        delegation_size=placement.delegation_size,
        theme_id=themes.get(placement.hearing_id),
        priority=priorities.get(placement.hearing_id, 0),
        requirements=requirements,
        pinned=frozenset(m for m in placement.member_ids if m not in named),
        people=placement.people,
    )
    span = timedelta(minutes=task.duration)
    starts = _calendar_starts(grid, placement)
    if not starts:
        task.reason = "Aucun créneau de l'événement ne peut la recevoir (durée, dates souhaitées)."
        return task
    people = [
        p for a in sorted(placement.actor_ids) for p in schedule.actor_availability.get(a, ())
    ]
    if any(not person.available for person in people):
        task.reason = "L'organisation auditionnée n'a donné aucune disponibilité (ou a décliné)."
        return task
    available = [_Windows(p.available) for p in people]
    yes = [_Windows(p.yes) for p in people]
    kept = []
    for t in starts:
        start = grid.at(t)
        if all(w.contains(start, start + span) for w in available):
            kept.append(t)
            if all(w.contains(start, start + span) for w in yes):
                task.yes.add(t)
    if not kept:
        task.reason = (
            f"Aucune disponibilité de l'organisation ne couvre ses {task.duration} minutes "
            "dans les heures de l'événement."
        )
        return task
    kept = _with_members(grid, schedule, task, kept)
    if task.reason:
        return task
    _with_rooms(grid, schedule, task, kept, placement.mode)
    if not task.reason:
        task.starts = sorted({t for starts in task.rooms.values() for t in starts})
        task.yes &= set(task.starts)
    return task


def _with_members(grid: Grid, schedule: Schedule, task: Task, starts: list[int]) -> list[int]:
    span = timedelta(minutes=task.duration)
    for member_id in sorted(task.pinned) + task.candidates:
        member = schedule.members.get(member_id)
        if member is None or not member.unavailability:
            continue
        away = _Windows(member.unavailability)
        task.blocked[member_id] = {
            t for t in starts if away.overlaps(grid.at(t), grid.at(t) + span)
        }
    kept = [t for t in starts if not any(t in task.blocked.get(m, ()) for m in task.pinned)]
    for members, count in task.requirements:
        kept = [
            t
            for t in kept
            if sum(t not in task.blocked.get(m, ()) for m in members if m not in task.pinned)
            + len(task.pinned & set(members))
            >= count
        ]
        if not kept:
            names = ", ".join(schedule.members[m].name for m in members if m in schedule.members)
            task.reason = (
                f"Pas assez de membres disponibles parmi {names} ({count} requis) "
                "quand l'organisation l'est."
            )
            return []
    return kept


def _with_rooms(grid: Grid, schedule: Schedule, task: Task, starts: list[int], mode: str) -> None:
    span = timedelta(minutes=task.duration)
    seats = (
        task.delegation_size + len(task.pinned) + max((k for _, k in task.requirements), default=0)
    )
    suitable = [
        room
        for room in schedule.rooms.values()
        if not (mode == "remote" and room.kind != "video")
        and not (mode == "in_person" and room.kind == "video")
        and (room.kind != "physical" or room.capacity is None or room.capacity >= seats)
    ]
    if not suitable:
        task.reason = (
            f"Aucune salle ne convient : audition {MODES.get(mode, mode)}, {seats} personnes."
        )
        return
    for room in sorted(suitable, key=lambda r: r.id):
        if not room.availability:
            task.rooms[room.id] = list(starts)
            continue
        opening = _Windows(room.availability)
        fits = [t for t in starts if opening.contains(grid.at(t), grid.at(t) + span)]
        if fits:
            task.rooms[room.id] = fits
    if not task.rooms:
        task.reason = "Les salles qui conviennent sont fermées quand l'organisation est disponible."
