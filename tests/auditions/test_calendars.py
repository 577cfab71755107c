"""iCalendar documents parsed back with icalendar and vobject: Paris times across a change of
summer time, CRLF lines folded at 75 octets, and staff text that cannot add a property."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from services.auditions.calendars import CalendarEntry, build_calendar
from tests.auditions.ical_checks import checked_calendar, physical_lines, vobject_event

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


# Staff-typed text that would end a property and start another if written as it is.
INJECTIONS = {
    "line feed": (
        "Audition\nATTENDEE:mailto:intrus@example.org",
        "Audition ATTENDEE:mailto:intrus@example.org",
    ),
    "carriage return": ("Audition\rMETHOD:CANCEL", "Audition METHOD:CANCEL"),
    "CRLF and a fold": ("Audition\r\n X-INJECTE:oui", "Audition X-INJECTE:oui"),
    "semicolon": ("Salle A; bâtiment B", "Salle A; bâtiment B"),
    "comma": ("Paris, Lyon, Marseille", "Paris, Lyon, Marseille"),
    "backslash": ("C:\\dossiers\\n-pas-un-saut", "C:\\dossiers\\n-pas-un-saut"),
    "controls": ("Au\x01di\x1btion\x7f \x85fin\u2028ici", "Audition fin ici"),
    "tab": ("Audition\tplénière", "Audition\tplénière"),
}
PROPERTIES = {"UID", "SEQUENCE", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "LOCATION"}


@pytest.mark.parametrize("case", sorted(INJECTIONS))
def test_staff_text_never_breaks_or_extends_a_property(case: str) -> None:
    typed, shown = INJECTIONS[case]
    raw = build_calendar(
        [
            entry(
                datetime(2023, 7, 12, 10, tzinfo=PARIS),
                summary=typed,
                location=typed,
                description=f"Première ligne\n{typed}",
                attendees=((typed, "claire@example.org"),),
            )
        ],
        timezone="Europe/Paris",
        first_day=date(2023, 7, 11),
        last_day=date(2023, 7, 20),
        name=typed,
        method="REQUEST",
        organizer="secretariat@example.org",
    ).encode()

    calendar = checked_calendar(raw)
    [event] = calendar.walk("VEVENT")
    assert set(event) == PROPERTIES | {"DESCRIPTION", "STATUS", "ORGANIZER", "ATTENDEE"}
    assert str(calendar["METHOD"]) == "REQUEST"
    assert (str(event["SUMMARY"]), str(event["LOCATION"])) == (shown, shown)
    assert str(event["ATTENDEE"]) == "mailto:claire@example.org"
    assert event["ATTENDEE"].params["CN"] == shown.replace('"', "'")
    vevent = vobject_event(raw, "hearing-1@auditions")
    assert (vevent.summary.value, vevent.location.value) == (shown, shown)
    assert len(vevent.contents["attendee"]) == 1
    lines = str(event["DESCRIPTION"]).split("\n")
    # Multi-line text keeps its line breaks, as escaped "\n" inside the one property.
    assert lines[0] == "Première ligne"
    assert " ".join(line.strip() for line in lines[1:] if line.strip()) == shown


def test_long_text_is_folded_at_75_octets_without_splitting_a_character() -> None:
    title = "Audition : « Société numérique » — élus, 🏔️ montagne " * 12
    raw = build_calendar(
        [entry(datetime(2023, 7, 12, 10, tzinfo=PARIS), summary=title, description=title)],
        timezone="Europe/Paris",
        first_day=date(2023, 7, 11),
        last_day=date(2023, 7, 20),
        name="Auditions",
    ).encode()

    calendar = checked_calendar(raw)  # every line at most 75 octets, each valid UTF-8
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == title.strip()
    assert vobject_event(raw, "hearing-1@auditions").summary.value == title.strip()
    assert sum(line.startswith(b" ") for line in physical_lines(raw)) > 10
