"""iCalendar documents parsed back with icalendar: Paris times, across a change of summer time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar

from services.auditions.calendars import CalendarEntry, build_calendar

PARIS = ZoneInfo("Europe/Paris")


def entry(start: datetime, **changes: object) -> CalendarEntry:
    values: dict[str, object] = {
        "uid": "hearing-1@auditions",
        "sequence": 0,
        "start": start,
        "end": start + timedelta(minutes=45),
        "summary": "Audition : Association X",
        "location": "Salle Marianne",
    }
    values.update(changes)
    return CalendarEntry(**values)  # type: ignore[arg-type]


def test_times_stay_in_paris_across_the_spring_change() -> None:
    before = datetime(2023, 3, 24, 10, 0, tzinfo=PARIS)  # UTC+1
    after = datetime(2023, 3, 27, 10, 0, tzinfo=PARIS)  # UTC+2
    text = build_calendar(
        [entry(before.astimezone(UTC)), entry(after.astimezone(UTC), uid="hearing-2@auditions")],
        timezone="Europe/Paris",
        first_day=date(2023, 3, 20),
        last_day=date(2023, 3, 31),
        name="Auditions",
    )
    calendar = Calendar.from_ical(text)

    assert "METHOD" not in calendar
    starts = [event.decoded("DTSTART") for event in calendar.walk("VEVENT")]
    assert starts == [before, after]
    assert [s.utcoffset() for s in starts] == [timedelta(hours=1), timedelta(hours=2)]
    assert all(e["DTSTART"].params["TZID"] == "Europe/Paris" for e in calendar.walk("VEVENT"))
    [zone] = calendar.walk("VTIMEZONE")
    assert {c.name for c in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}
    assert len(text) < 2500  # bounded to the event's dates, not 1970-2038


def test_times_stay_in_paris_across_the_autumn_change() -> None:
    after = datetime(2023, 10, 30, 9, 15, tzinfo=PARIS)  # UTC+1
    calendar = Calendar.from_ical(
        build_calendar(
            [entry(after.astimezone(UTC))],
            timezone="Europe/Paris",
            first_day=date(2023, 10, 27),
            last_day=date(2023, 10, 31),
            name="Auditions",
        )
    )
    [event] = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == after
    assert event.decoded("DTSTART").utcoffset() == timedelta(hours=1)


def test_a_cancellation_keeps_the_uid_and_says_so() -> None:
    start = datetime(2023, 7, 12, 14, 30, tzinfo=PARIS)
    text = build_calendar(
        [entry(start, sequence=2, cancelled=True, attendees=(("Claire", "claire@example.org"),))],
        timezone="Europe/Paris",
        first_day=date(2023, 7, 11),
        last_day=date(2023, 7, 20),
        name="Auditions",
        method="CANCEL",
        organizer="secretariat@example.org",
    )
    calendar = Calendar.from_ical(text)
    [event] = calendar.walk("VEVENT")

    assert str(calendar["METHOD"]) == "CANCEL"
    assert (str(event["UID"]), int(str(event["SEQUENCE"])), str(event["STATUS"])) == (
        "hearing-1@auditions",
        2,
        "CANCELLED",
    )
    assert str(event["ATTENDEE"]) == "mailto:claire@example.org"
    assert event["ATTENDEE"].params["ROLE"] == "REQ-PARTICIPANT"
    assert event.decoded("DTSTART") == start
