"""The CP-SAT model on small hand-made schedules, each plan checked by conflicts.py."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from services.auditions.conflicts import (
    EventRules,
    MemberInfo,
    PersonAvailability,
    Placement,
    Requirement,
    RoomInfo,
    Schedule,
)
from services.auditions.solver.instance import build_instance
from services.auditions.solver.model import Plan, solve
from services.auditions.solver.verify import hard_warnings, planned_schedule

PARIS = ZoneInfo("Europe/Paris")
Answers = dict[int, tuple[PersonAvailability, ...]]
DAY = date(2023, 7, 11)


def at(hour: int, minute: int = 0) -> datetime:
    return datetime.combine(DAY, time(hour, minute), PARIS).astimezone(UTC)


RULES = EventRules(
    timezone="Europe/Paris",
    starts_on=DAY,
    ends_on=DAY,
    excluded_dates=frozenset(),
    exclude_weekends=True,
    day_start=time(9),
    day_end=time(13),
    lunch_start=None,
    lunch_end=None,
    grid_minutes=15,
    buffer_minutes=15,
)
ROOMS = {1: RoomInfo(1, "Salle A", "physical", 6), 2: RoomInfo(2, "Visio", "video", None)}
MEMBERS = {
    1: MemberInfo(1, "Présidente", "president"),
    2: MemberInfo(2, "Rapporteur", "rapporteur", ((at(9), at(11)),)),
    3: MemberInfo(3, "Rapporteuse", "rapporteur"),
}


def hearing(hearing_id: int, **extra: object) -> Placement:
    base = Placement(
        hearing_id=hearing_id,
        title=f"Audition {hearing_id}",
        duration_minutes=60,
        mode="in_person",
        delegation_size=2,
        room_id=None,
        start=None,
        requirements=(Requirement(frozenset({2, 3}), 1),),
    )
    return replace(base, **extra)  # type: ignore[arg-type]


def schedule(*placements: Placement, answers: Answers | None = None) -> Schedule:
    return Schedule(RULES, ROOMS, MEMBERS, answers or {}, placements)


def solved(
    schedule_: Schedule,
    *,
    locked: frozenset[int] = frozenset(),
    previous: dict[int, tuple[datetime, int, frozenset[int]]] | None = None,
) -> tuple[dict[int, Placement], Plan]:
    """The plan, after checking it has no hard warning; hearings by id as planned."""
    instance = build_instance(
        schedule_, locked=set(locked), themes={}, priorities={}, previous=previous or {}
    )
    outcome = solve(instance, time_limit=2, workers=2, seed=1, repair=previous is not None)
    assert outcome.plan is not None
    assert hard_warnings(instance, outcome.plan) == []
    planned = planned_schedule(instance, outcome.plan)
    return {p.hearing_id: p for p in planned.placements}, outcome.plan


def test_a_locked_hearing_stays_and_the_others_work_around_it() -> None:
    locked = hearing(1, room_id=1, start=at(9), member_ids=frozenset({3}))
    planned, plan = solved(schedule(locked, hearing(2), hearing(3)), locked=frozenset({1}))
    assert (planned[1].start, planned[1].room_id) == (at(9), 1)
    assert planned[2].start is not None
    assert planned[3].start is not None
    assert plan.unplaced == ()


def test_one_person_in_two_hearings_and_yes_windows_preferred() -> None:
    person = PersonAvailability(
        "p@example.org", available=((at(9), at(13)),), yes=((at(11), at(13)),)
    )
    first = hearing(4, actor_ids=frozenset({10}), people=frozenset({"p@example.org"}))
    second = hearing(
        5, actor_ids=frozenset({10}), people=frozenset({"p@example.org"}), mode="remote"
    )
    planned, _ = solved(schedule(first, second, answers={10: (person,)}))
    starts = sorted(p.start for p in planned.values() if p.start is not None)
    assert starts == [at(11), at(12)]


def test_a_hearing_no_room_can_take_is_left_out_with_its_reason() -> None:
    planned, plan = solved(schedule(hearing(6, delegation_size=10), hearing(7)))
    assert planned[7].start is not None
    ((left_out, reason),) = plan.unplaced
    assert left_out == 6
    assert reason.startswith("Aucune salle ne convient")


def test_a_repair_moves_only_the_hearing_whose_window_closed() -> None:
    person = PersonAvailability("q@example.org", available=((at(11), at(13)),), yes=())
    kept = hearing(8)
    closed = hearing(
        9, actor_ids=frozenset({11}), people=frozenset({"q@example.org"}), mode="hybrid"
    )
    previous = {8: (at(11), 1, frozenset({3})), 9: (at(9), 1, frozenset({3}))}
    planned, plan = solved(schedule(kept, closed, answers={11: (person,)}), previous=previous)
    assert plan.moved == (9,)
    assert (planned[8].start, planned[8].room_id) == (at(11), 1)
