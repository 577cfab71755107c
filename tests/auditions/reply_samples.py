"""REPLY calendars shaped as real clients write them (RFC 6047 iMIP answers).

Thunderbird is built with icalendar, as its calendar code writes it (X-MOZ properties, the
zone's VTIMEZONE, RSVP and ROLE kept on the attendee). Outlook and Apple Calendar are literal
text as they send it: CRLF, long lines folded, Outlook's upper-case MAILTO:, its Windows zone
name and empty COMMENT, Apple's quoted CN and EMAIL parameter, a base64 part in a whole message.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress

PARIS = ZoneInfo("Europe/Paris")


@dataclass(frozen=True)
class Answer:
    uid: str
    email: str
    name: str
    partstat: str = "ACCEPTED"
    sequence: int = 0
    stamp: datetime = datetime(2023, 7, 5, 10, 15, tzinfo=UTC)
    start: datetime = datetime(2023, 7, 12, 10, 0, tzinfo=PARIS)

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=45)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _local(moment: datetime) -> str:
    return moment.astimezone(PARIS).strftime("%Y%m%dT%H%M%S")


def thunderbird(answer: Answer, *, method: str = "REPLY") -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("created", answer.stamp)
    event.add("last-modified", answer.stamp)
    event.add("dtstamp", answer.stamp)
    event.add("uid", answer.uid)
    event.add("summary", "Audition : Association des maires, « ruralité »")
    organizer = vCalAddress("mailto:secretariat@commission.example")
    organizer.params["cn"] = "Secrétariat des auditions"
    event.add("organizer", organizer, encode=False)
    attendee = vCalAddress(f"mailto:{answer.email}")
    attendee.params.update(
        {"rsvp": "TRUE", "cn": answer.name, "partstat": answer.partstat, "role": "REQ-PARTICIPANT"}
    )
    event.add("attendee", attendee, encode=False)
    event.add("dtstart", answer.start)
    event.add("dtend", answer.end)
    event.add("sequence", answer.sequence)
    event.add("x-moz-received-sequence", str(answer.sequence))
    event.add("x-moz-received-dtstamp", _utc(answer.stamp))
    event.add("x-moz-generation", "1")
    calendar.add_component(event)
    calendar.add_missing_timezones(first_date=answer.start.date(), last_date=answer.end.date())
    raw: bytes = calendar.to_ical()
    return raw


OUTLOOK = """BEGIN:VCALENDAR
METHOD:REPLY
PRODID:Microsoft Exchange Server 2010
VERSION:2.0
BEGIN:VTIMEZONE
TZID:Romance Standard Time
BEGIN:STANDARD
DTSTART:16010101T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
ATTENDEE;PARTSTAT={partstat};CN={name}:MAILTO:{email_capitalised}
COMMENT;LANGUAGE=fr-FR:Je serai accompagnée d'une collègue du service juridiqu
 e\\, qui arrivera vers 10 h 15.\\n
SUMMARY;LANGUAGE=fr-FR:Accepté: Audition : Association des maires\\, « rural
 ité »
DTSTART;TZID=Romance Standard Time:{start}
DTEND;TZID=Romance Standard Time:{end}
UID:{uid}
CLASS:PUBLIC
PRIORITY:5
DTSTAMP:{stamp}
TRANSP:OPAQUE
STATUS:CONFIRMED
SEQUENCE:{sequence}
LOCATION;LANGUAGE=fr-FR:Salle 1
X-MICROSOFT-CDO-APPT-SEQUENCE:{sequence}
X-MICROSOFT-CDO-OWNERAPPTID:-1
X-MICROSOFT-CDO-BUSYSTATUS:BUSY
X-MICROSOFT-CDO-INTENDEDSTATUS:BUSY
X-MICROSOFT-CDO-ALLDAYEVENT:FALSE
X-MICROSOFT-CDO-IMPORTANCE:1
X-MICROSOFT-CDO-INSTTYPE:0
X-MICROSOFT-DISALLOW-COUNTER:FALSE
END:VEVENT
END:VCALENDAR
"""


def outlook(answer: Answer) -> bytes:
    text = OUTLOOK.format(
        partstat=answer.partstat,
        name=answer.name,
        # Exchange keeps the address as the directory spells it.
        email_capitalised=answer.email.capitalize(),
        start=_local(answer.start),
        end=_local(answer.end),
        uid=answer.uid,
        stamp=_utc(answer.stamp),
        sequence=answer.sequence,
    )
    return text.replace("\n", "\r\n").encode("utf-8")


APPLE = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Apple Inc.//macOS 14.5//EN
METHOD:REPLY
CALSCALE:GREGORIAN
BEGIN:VEVENT
ATTENDEE;CN="{name}";CUTYPE=INDIVIDUAL;EMAIL="{email}";PARTSTAT={partstat};R
 OLE=REQ-PARTICIPANT;RSVP=TRUE:mailto:{email}
DTEND;TZID=Europe/Paris:{end}
DTSTAMP:{stamp}
DTSTART;TZID=Europe/Paris:{start}
ORGANIZER;CN="Secrétariat des auditions":mailto:secretariat@commission.exa
 mple
REQUEST-STATUS:2.0;Success
SEQUENCE:{sequence}
SUMMARY:Audition : Association des maires\\, « ruralité »
UID:{uid}
X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC
END:VEVENT
END:VCALENDAR
"""


def apple(answer: Answer) -> bytes:
    text = APPLE.format(
        name=answer.name,
        email=answer.email,
        partstat=answer.partstat,
        start=_local(answer.start),
        end=_local(answer.end),
        stamp=_utc(answer.stamp),
        sequence=answer.sequence,
        uid=answer.uid,
    )
    return text.replace("\n", "\r\n").encode("utf-8")


def apple_mail(answer: Answer) -> bytes:
    """A whole message as Apple Mail sends the answer: the calendar as a base64 part."""
    calendar = base64.encodebytes(apple(answer)).decode("ascii")
    return f"""From: {answer.name} <{answer.email}>
Content-Type: multipart/alternative;
\tboundary="Apple-Mail=_5E1C5A0E-1F2B-4C33-9D7A-0A1B2C3D4E5F"
Mime-Version: 1.0 (Mac OS X Mail 16.0)
Subject: Accepté : Audition : Association des maires
Date: Wed, 5 Jul 2023 12:15:00 +0200
To: secretariat@commission.example
Message-Id: <B0C5D7E2-1234-4ABC-9DEF-0123456789AB@example.org>

--Apple-Mail=_5E1C5A0E-1F2B-4C33-9D7A-0A1B2C3D4E5F
Content-Transfer-Encoding: quoted-printable
Content-Type: text/plain;
\tcharset=utf-8

{answer.name} a accept=C3=A9 votre invitation.

--Apple-Mail=_5E1C5A0E-1F2B-4C33-9D7A-0A1B2C3D4E5F
Content-Transfer-Encoding: base64
Content-Type: text/calendar;
\tmethod=REPLY;
\tname=iCal-20230705-121500.ics;
\tcharset=utf-8

{calendar}
--Apple-Mail=_5E1C5A0E-1F2B-4C33-9D7A-0A1B2C3D4E5F--
""".replace("\n", "\r\n").encode("utf-8")


def thunderbird_mail(answer: Answer) -> bytes:
    """A whole message as Thunderbird sends the answer: an 8bit part and the same as invite.ics."""
    calendar = thunderbird(answer).decode("utf-8")
    return (
        f"""From: {answer.name} <{answer.email}>
To: secretariat@commission.example
Subject: =?UTF-8?Q?Accept=C3=A9=3A_Audition?=
Date: Wed, 5 Jul 2023 12:15:00 +0200
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Content-Type: multipart/mixed; boundary="------------dJ8e5Yx3K2aQ0vN9wLtR7b"

This is a multi-part message in MIME format.
--------------dJ8e5Yx3K2aQ0vN9wLtR7b
Content-Type: multipart/alternative; boundary="------------Zq1W2e3R4t5Y6u7I8o9P0a"

--------------Zq1W2e3R4t5Y6u7I8o9P0a
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

{answer.name} a accepté votre invitation à l'événement suivant.

--------------Zq1W2e3R4t5Y6u7I8o9P0a
Content-Type: text/calendar; charset=UTF-8; method=REPLY
Content-Transfer-Encoding: 8bit

{calendar}
--------------Zq1W2e3R4t5Y6u7I8o9P0a--

--------------dJ8e5Yx3K2aQ0vN9wLtR7b
Content-Type: application/ics; name="invite.ics"
Content-Disposition: attachment; filename="invite.ics"
Content-Transfer-Encoding: base64

{base64.encodebytes(calendar.encode("utf-8")).decode("ascii")}
--------------dJ8e5Yx3K2aQ0vN9wLtR7b--
""".replace("\r\n", "\n")
        .replace("\n", "\r\n")
        .encode("utf-8")
    )
