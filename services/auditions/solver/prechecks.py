"""Cheap checks before solving that explain, in plain French, why a plan cannot be complete.

CP-SAT alone would only say "no solution found"; these name the member, the day, the room
kind or the hearing at fault (the reference's example: both rapporteurs of a theme required,
one of them needed 241 of his 244 free quarter-hours).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from services.auditions.solver.instance import Instance, Task


@dataclass(frozen=True)
class Finding:
    kind: str
    message: str
    hearing_ids: tuple[int, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message, "hearing_ids": list(self.hearing_ids)}


def hours(minutes: int) -> str:
    return f"{minutes // 60} h {minutes % 60:02d}"


def prechecks(instance: Instance) -> list[Finding]:
    """Every finding, most useful first: hearings with no start, members, rooms, days."""
    return [
        *_no_start(instance),
        *_member_load(instance),
        *_room_load(instance),
        *_day_load(instance),
    ]


def _no_start(instance: Instance) -> list[Finding]:
    found = [
        Finding("no_start", f"« {t.title} » : {t.reason}", (t.hearing_id,))
        for t in instance.tasks
        if t.reason is not None
    ]
    titles = {p.hearing_id: p.title for p in instance.schedule.placements}
    found += [
        Finding("no_start", f"« {titles[h]} » : {reason}", (h,))
        for h, reason in instance.set_aside.items()
    ]
    return found


def _open_minutes(instance: Instance) -> int:
    lunch = instance.grid.lunch()
    per_day = instance.grid.day_minutes - (lunch[1] - lunch[0] if lunch else 0)
    return per_day * len(instance.grid.days)


def _member_load(instance: Instance) -> list[Finding]:
    """Members every possible composition needs, against the time they have."""
    needed: dict[int, list[Task]] = defaultdict(list)
    for task in instance.tasks:
        if task.reason is not None:
            continue
        must = set(task.pinned)
        for members, count in task.requirements:
            if len(members) <= count:
                must |= set(members)
        for member_id in must:
            needed[member_id].append(task)
    found = []
    total = _open_minutes(instance)
    for member_id, tasks in sorted(needed.items()):
        member = instance.schedule.members.get(member_id)
        if member is None:
            continue
        away = sum(int((b - a) / timedelta(minutes=1)) for a, b in member.unavailability)
        free = max(total - away, 0)
        load = sum(t.duration for t in tasks)
        if load > free:
            found.append(
                Finding(
                    "member_overloaded",
                    f"{member.name} doit siéger à {len(tasks)} auditions ({hours(load)}) mais "
                    f"n'est disponible que {hours(free)} : rendez sa présence facultative "
                    "(« 1 parmi 2 ») ou libérez des créneaux.",
                    tuple(t.hearing_id for t in tasks),
                )
            )
    return found


def _room_load(instance: Instance) -> list[Finding]:
    """Hearings of one kind against the room time of the rooms that can take them."""
    buffer = instance.grid.rules.buffer_minutes
    modes = {p.hearing_id: p.mode for p in instance.schedule.placements}
    rooms = instance.schedule.rooms.values()
    per_room = _open_minutes(instance)
    found = []
    for mode, kind, what, where in (
        ("remote", "video", "Les auditions à distance", "les liens de visioconférence"),
        ("in_person", "physical", "Les auditions en présentiel", "les salles physiques"),
    ):
        tasks = [t for t in instance.tasks if t.reason is None and modes[t.hearing_id] == mode]
        demand = sum(t.duration + buffer for t in tasks)
        supply = per_room * sum(1 for r in rooms if r.kind == kind)
        if demand > supply:
            found.append(
                Finding(
                    "rooms_full",
                    f"{what} demandent {hours(demand)} (battements compris), mais "
                    f"{where} n'offrent que {hours(supply)} sur l'événement.",
                    tuple(t.hearing_id for t in tasks),
                )
            )
    return found


def _day_load(instance: Instance) -> list[Finding]:
    """Hearings that can only happen on one day, against that day's room time."""
    grid, buffer = instance.grid, instance.grid.rules.buffer_minutes
    only: dict[int, list[Task]] = defaultdict(list)
    for task in instance.tasks:
        days = {t // grid.stride for t in task.starts}
        if task.reason is None and len(days) == 1:
            only[days.pop()].append(task)
    per_day = _open_minutes(instance) // max(len(grid.days), 1)
    supply = per_day * len(instance.schedule.rooms)
    found = []
    for day, tasks in sorted(only.items()):
        demand = sum(t.duration + buffer for t in tasks)
        if demand > supply:
            found.append(
                Finding(
                    "day_full",
                    f"Le {grid.days[day]:%d/%m}, {len(tasks)} auditions ne peuvent avoir lieu que "
                    f"ce jour-là ({hours(demand)}) pour {hours(supply)} de salles.",
                    tuple(t.hearing_id for t in tasks),
                )
            )
    return found
