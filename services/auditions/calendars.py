"""iCalendar documents: public and personal feeds (no METHOD) and iTIP invitations.

Times are written in the event's local time with a VTIMEZONE bounded to the event's dates,
so a client shows Paris times whatever its own zone. One UID per hearing for its whole life;
SEQUENCE rises with each published change so clients apply updates in order (RFC 5546).

Every document is written by the `icalendar` library: TEXT values escaped (backslash, ';',
',', line breaks), parameters quoted (RFC 6868), lines ending in CRLF and folded at 75 octets
without splitting a UTF-8 sequence (RFC 5545 §3.1). What the library lets through is cleaned
here first: staff-typed text may hold control characters (stored before text was checked at
the edge, or typed in a multi-line field) that no TEXT value may carry.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress

from services.common.sql import utcnow

PRODID = "-//Intelligences associées des territoires//Auditions//FR"
ORGANIZER_NAME = "Secrétariat des auditions"

# Line breaks in all their spellings, including those Python's splitlines() and some parsers
# honour (VT, FF, FS-RS, NEL, U+2028/U+2029): each becomes one LF, which icalendar writes "\n".
_LINE_BREAK = re.compile("\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# RFC 5545 §3.3.11: TEXT holds no control character but HTAB; lone surrogates and U+FFFE/FFFF
# are no characters at all (and cannot be written as UTF-8).
_NOT_TEXT = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# An address is one URI: no space, no control, no quote.
_NOT_IN_ADDRESS = re.compile('[\x00-\x20\x7f-\x9f"<>\ud800-\udfff]')


def multi_line(text: str) -> str:
    """`text` as a multi-line TEXT value holds it (DESCRIPTION): line breaks kept as LF."""
    return "\n".join(_NOT_TEXT.sub("", line) for line in _LINE_BREAK.split(text))


def one_line(text: str) -> str:
    """`text` as a one-line value (SUMMARY, LOCATION, a CN): line breaks become spaces."""
    return " ".join(part.strip() for part in multi_line(text).split("\n") if part.strip())


def parameter_text(text: str) -> str:
    """`text` as a parameter value (a CN): one line, and no DQUOTE, which RFC 6868 would
    write as ^' that Outlook shows as it is."""
    return one_line(text).replace('"', "'")


def mailto(email: str) -> str:
    return "mailto:" + _NOT_IN_ADDRESS.sub("", email)


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
    """The calendar as text (CRLF, folded); `method` is REQUEST or CANCEL for mails, None for
    feeds."""
    zone = ZoneInfo(timezone)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", one_line(name))
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
    event.add("summary", one_line(entry.summary))
    event.add("location", one_line(entry.location))
    if entry.description:
        event.add("description", multi_line(entry.description))
    event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
    if organizer is not None:
        address = vCalAddress(mailto(organizer))
        address.params["cn"] = ORGANIZER_NAME
        event["organizer"] = address
    for person, email in entry.attendees:
        attendee = vCalAddress(mailto(email))
        attendee.params.update(
            {
                "cn": parameter_text(person),
                "role": "REQ-PARTICIPANT",
                "partstat": "NEEDS-ACTION",
                "rsvp": "TRUE",
            }
        )
        event.add("attendee", attendee, encode=False)
    return event
