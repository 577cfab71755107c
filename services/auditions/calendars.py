"""iCalendar documents: public and personal feeds (no METHOD) and iTIP invitations.

Times are written in the event's local time with a VTIMEZONE bounded to the event's dates,
so a client shows Paris times whatever its own zone. One UID per hearing for its whole life;
SEQUENCE rises with each published change so clients apply updates in order (RFC 5546).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress

from services.common.sql import utcnow

PRODID = "-//Intelligences associées des territoires//Auditions//FR"


@dataclass(frozen=True)
class CalendarEntry:
    uid: str
    sequence: int
    start: datetime
    end: datetime
    summary: str
    location: str
    description: str = ""
    cancelled: bool = False
    attendees: tuple[tuple[str, str], ...] = ()  # (name, e-mail), invitations only


def build_calendar(
    entries: Sequence[CalendarEntry],
    *,
    timezone: str,
    first_day: date,
    last_day: date,
    name: str,
    method: str | None = None,
    organizer: str | None = None,
) -> str:
    """The calendar as text; `method` is REQUEST or CANCEL for mails, None for feeds."""
    zone = ZoneInfo(timezone)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", timezone)
    if method is not None:
        calendar.add("method", method)
    stamp = utcnow()
    for entry in entries:
        calendar.add_component(_event(entry, zone, stamp, organizer))
    calendar.add_missing_timezones(first_date=first_day, last_date=last_day)
    return str(calendar.to_ical(), "utf-8")


def _event(entry: CalendarEntry, zone: ZoneInfo, stamp: datetime, organizer: str | None) -> Event:
    event = Event()
    event.add("uid", entry.uid)
    event.add("sequence", entry.sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", entry.start.astimezone(zone))
    event.add("dtend", entry.end.astimezone(zone))
    event.add("summary", entry.summary)
    event.add("location", entry.location)
    if entry.description:
        event.add("description", entry.description)
    event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
    if organizer is not None:
        address = vCalAddress(f"mailto:{organizer}")
        address.params["cn"] = "Secrétariat des auditions"
        event["organizer"] = address
    for person, email in entry.attendees:
        attendee = vCalAddress(f"mailto:{email}")
        attendee.params.update(
            {"cn": person, "role": "REQ-PARTICIPANT", "partstat": "NEEDS-ACTION", "rsvp": "TRUE"}
        )
        event.add("attendee", attendee, encode=False)
    return event
