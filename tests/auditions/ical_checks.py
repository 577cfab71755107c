"""What every calendar the service writes must be, read by two independent parsers."""

from __future__ import annotations

from email.message import EmailMessage

import vobject
from icalendar import Calendar


def physical_lines(raw: bytes) -> list[bytes]:
    """The document's lines as written: each must end in CRLF (RFC 5545 §3.1)."""
    assert raw.endswith(b"\r\n"), raw[-20:]
    lines = raw[:-2].split(b"\r\n")
    for line in lines:
        assert b"\n" not in line, line
        assert b"\r" not in line, line
    return lines


def checked_calendar(raw: bytes) -> Calendar:
    """`raw` as icalendar reads it, once CRLF, folding at 75 octets and vobject agree."""
    for line in physical_lines(raw):
        assert len(line) <= 75, (len(line), line)
        line.decode("utf-8")  # a fold never splits a UTF-8 sequence
    calendar = Calendar.from_ical(raw)
    assert not [errors for c in calendar.walk() for errors in c.errors], "icalendar errors"
    parsed = vobject.readOne(raw.decode("utf-8"))
    assert parsed.name == "VCALENDAR"
    ours = [str(e["UID"]) for e in calendar.walk("VEVENT")]
    theirs = [e.uid.value for e in getattr(parsed, "vevent_list", [])]
    assert ours == theirs
    return calendar


def vobject_event(raw: bytes, uid: str) -> vobject.base.Component:
    parsed = vobject.readOne(raw.decode("utf-8"))
    found: vobject.base.Component = next(e for e in parsed.vevent_list if e.uid.value == uid)
    return found


def calendar_part(message: EmailMessage) -> tuple[bytes, EmailMessage]:
    """The text/calendar part's bytes as they travel (decoded from its transfer encoding)."""
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    assert isinstance(part, EmailMessage)
    raw = part.get_payload(decode=True)
    assert isinstance(raw, bytes)
    return raw, part
