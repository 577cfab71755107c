"""Every kind of warning, computed from plain data (no database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from services.auditions.conflicts import (
    EventRules,
    MemberInfo,
    PersonAvailability,
    Placement,
    Requirement,
    RoomInfo,
    Schedule,
    compute_warnings,
)

PARIS = ZoneInfo("Europe/Paris")
RULES = EventRules(
    timezone="Europe/Paris",
    starts_on=date(2023, 7, 11),
    ends_on=date(2023, 7, 20),
    excluded_dates=frozenset({date(2023, 7, 14)}),
    exclude_weekends=True,
    day_start=time(9),
    day_end=time(19),
    lunch_start=time(12, 30),
    lunch_end=time(14),
    grid_minutes=15,
    buffer_minutes=15,
)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2023, 7, day, hour, minute, tzinfo=PARIS)


ROOMS = {
    1: RoomInfo(1, "Salle A", "physical", 5),
    2: RoomInfo(2, "Visio", "video", None),
    3: RoomInfo(3, "Salle C", "physical", 20, ((at(11, 9), at(11, 12)),)),
}
MEMBERS = {
    1: MemberInfo(1, "Présidente", "president"),
    2: MemberInfo(2, "Rapporteur", "rapporteur", ((at(12, 9), at(12, 12)),)),
}


def hearing(hearing_id: int = 1, start: datetime | None = None, **changes: object) -> Placement:
    base = Placement(
        hearing_id=hearing_id,
        title=f"Audition {hearing_id}",
        duration_minutes=60,
        mode="in_person",
        delegation_size=2,
        room_id=1,
        start=start or at(11, 10),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def unplaced() -> Placement:
    return replace(hearing(), start=None, room_id=None)


def kinds(
    *placements: Placement, availability: dict[int, tuple[PersonAvailability, ...]] | None = None
) -> set[str]:
    schedule = Schedule(RULES, ROOMS, MEMBERS, availability or {}, tuple(placements))
    return {w.kind for w in compute_warnings(schedule)}


def test_a_clean_hearing_has_no_warning() -> None:
    assert kinds(hearing()) == set()


def test_unscheduled_is_a_soft_warning() -> None:
    [warning] = compute_warnings(Schedule(RULES, ROOMS, MEMBERS, {}, (unplaced(),)))
    assert (warning.kind, warning.severity) == ("unscheduled", "soft")


def test_calendar_rules() -> None:
    assert kinds(hearing(start=at(14, 10))) == {"excluded_date"}
    assert kinds(hearing(start=at(15, 10))) == {"excluded_date"}  # a Saturday
    assert kinds(hearing(start=at(21, 10))) == {"outside_event"}
    assert kinds(hearing(start=at(11, 18, 30))) == {"outside_hours"}
    assert kinds(hearing(start=at(11, 12))) == {"lunch_break"}
    assert kinds(hearing(start=at(11, 10, 5))) == {"off_grid"}
    assert kinds(hearing(latest_on=date(2023, 7, 10))) == {"outside_dates"}


def test_room_taken_counts_the_buffer() -> None:
    first = hearing(1, at(11, 10))
    assert kinds(first, hearing(2, at(11, 11, 15))) == set()
    assert kinds(first, hearing(2, at(11, 11, 0))) == {"room_taken"}
    assert kinds(first, hearing(2, at(11, 11, 0), room_id=3)) == set()


def test_room_availability_capacity_and_mode() -> None:
    assert kinds(hearing(room_id=3, start=at(11, 14))) == {"room_unavailable"}
    assert kinds(hearing(delegation_size=4, member_ids=frozenset({1, 2}))) == {"capacity_exceeded"}
    assert kinds(hearing(mode="remote")) == {"mode_mismatch"}
    assert kinds(hearing(room_id=2)) == {"mode_mismatch"}
    assert kinds(hearing(room_id=2, mode="hybrid")) == set()
    assert kinds(hearing(room_id=99)) == {"no_room"}


def test_actor_availability_is_the_intersection_of_its_people() -> None:
    morning = (at(11, 9), at(11, 12, 30))
    yes = PersonAvailability("a", (morning,), (morning,))
    maybe = PersonAvailability("b", (morning,), ())
    late = PersonAvailability("c", ((at(11, 11), at(11, 12, 30)),), ())
    actor = frozenset({7})
    assert kinds(hearing(actor_ids=actor), availability={7: (yes,)}) == set()
    assert kinds(hearing(actor_ids=actor), availability={7: (yes, maybe)}) == {"actor_if_need_be"}
    assert kinds(hearing(actor_ids=actor), availability={7: (yes, late)}) == {"actor_unavailable"}


def test_members_and_people() -> None:
    both = frozenset({1})
    twice = kinds(
        hearing(1, member_ids=both), hearing(2, at(11, 10, 30), room_id=3, member_ids=both)
    )
    assert twice == {"member_double_booked"}
    assert kinds(hearing(start=at(12, 10), member_ids=frozenset({2}))) == {"member_unavailable"}
    rule = (Requirement(frozenset({1, 2}), 1),)
    assert kinds(hearing(requirements=rule)) == {"requirement_unmet"}
    assert kinds(hearing(requirements=rule, member_ids=frozenset({1}))) == set()
    person = frozenset({"x@example.org"})
    same_person = kinds(
        hearing(1, people=person), hearing(2, at(11, 10, 30), room_id=3, people=person)
    )
    assert same_person == {"person_double_booked"}


def test_each_clash_names_both_hearings() -> None:
    schedule = Schedule(RULES, ROOMS, MEMBERS, {}, (hearing(1), hearing(2, at(11, 10, 30))))
    pairs = {(w.hearing_id, w.other_hearing_id) for w in compute_warnings(schedule)}
    assert pairs == {(1, 2), (2, 1)}
