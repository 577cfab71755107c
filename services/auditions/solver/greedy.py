"""A first-fit placement, given to CP-SAT as a hint for hearings with no previous place.

With optional hearings, "place nothing" is already a solution: without a hint the first
plans CP-SAT finds leave many hearings out. Filling the grid greedily first (hardest
hearings first, "yes" starts first) lets it start from an almost complete plan.
"""

from __future__ import annotations

from collections import defaultdict

from services.auditions.solver.instance import Instance, Previous, Task

Busy = dict[object, list[tuple[int, int]]]


def _free(busy: Busy, key: object, start: int, end: int) -> bool:
    return all(end <= a or b <= start for a, b in busy.get(key, ()))


def greedy_hints(instance: Instance) -> dict[int, Previous]:
    buffer = instance.grid.rules.buffer_minutes
    busy: Busy = defaultdict(list)
    for f in instance.fixed:
        if f.room_id is not None:
            busy[("room", f.room_id)].append((f.start, f.start + f.duration + buffer))
        for member in f.member_ids:
            busy[("member", member)].append((f.start, f.start + f.duration))
        for person in f.people:
            busy[("person", person)].append((f.start, f.start + f.duration))
    for task in instance.tasks:
        if task.reason is None and _still_fits(task):
            assert task.previous is not None
            _take(busy, task, task.previous, buffer)
    hints = {}
    # Hearings with no place yet, or whose place no longer suits them (a repair).
    waiting = [t for t in instance.tasks if t.reason is None and not _still_fits(t)]
    for task in sorted(waiting, key=lambda t: (len(t.starts), -t.duration, t.hearing_id)):
        spot = _first_fit(instance, busy, task, buffer)
        if spot is not None:
            _take(busy, task, spot, buffer)
            hints[task.hearing_id] = spot
    return hints


def _still_fits(task: Task) -> bool:
    before = task.previous
    return before is not None and before.start in task.rooms.get(before.room_id, ())


def _take(busy: Busy, task: Task, spot: Previous, buffer: int) -> None:
    end = spot.start + task.duration
    busy[("room", spot.room_id)].append((spot.start, end + buffer))
    for member in spot.member_ids:
        busy[("member", member)].append((spot.start, end))
    for person in task.people:
        busy[("person", person)].append((spot.start, end))


def _first_fit(instance: Instance, busy: Busy, task: Task, buffer: int) -> Previous | None:
    rooms = {room_id: set(starts) for room_id, starts in task.rooms.items()}
    for start in sorted(task.starts, key=lambda t: (t not in task.yes, t)):
        end = start + task.duration
        if not all(_free(busy, ("person", p), start, end) for p in task.people):
            continue
        members = _members(busy, task, start, end)
        if members is None:
            continue
        for room_id, starts in rooms.items():
            room = instance.schedule.rooms[room_id]
            seats = task.delegation_size + len(members)
            if (
                start in starts
                and (room.capacity is None or room.kind != "physical" or seats <= room.capacity)
                and _free(busy, ("room", room_id), start, end + buffer)
            ):
                return Previous(start, room_id, frozenset(members))
    return None


def _members(busy: Busy, task: Task, start: int, end: int) -> set[int] | None:
    chosen = set(task.pinned)
    for members, count in task.requirements:
        needed = count - len(chosen & set(members))
        for member in members:
            if needed <= 0:
                break
            if (
                member not in chosen
                and start not in task.blocked.get(member, ())
                and _free(busy, ("member", member), start, end)
            ):
                chosen.add(member)
                needed -= 1
        if needed > 0:
            return None
    return chosen
