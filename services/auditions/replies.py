"""Answers to the invitations: iMIP REPLY messages (RFC 6047) imported by the organisers.

A calendar client (Thunderbird, Outlook, Apple Calendar...) answers an invitation by mailing
a METHOD:REPLY calendar to its ORGANIZER: one VEVENT with the hearing's UID, the SEQUENCE
answered, a DTSTAMP and the answering ATTENDEE with its PARTSTAT. Organisers upload that
calendar (.ics) or the whole message (.eml); each answer is matched to the hearing of the
latest release and to a person it invites, and kept. A file is taken whole or not at all:
the first fault found is the 4xx answer, and nothing is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from typing import Any

from icalendar import Calendar, Component, vCalAddress
from sqlmodel import Session, col, select

from services.auditions.calendars import multi_line
from services.auditions.itip import Directory, Invitee, invitees
from services.auditions.models import Event, Hearing, HearingReply
from services.auditions.releases import latest_release
from services.common.errors import Conflict, Unprocessable
from services.common.sql import utcnow

ANSWERS = ("ACCEPTED", "DECLINED", "TENTATIVE")
MAX_COMMENT = 1000


@dataclass(frozen=True)
class Answer:
    """One attendee's answer read from a REPLY."""

    uid: str
    email: str
    partstat: str
    sequence: int
    replied_at: datetime
    comment: str | None


def calendar_text(data: bytes) -> str:
    """The iCalendar text of an uploaded .ics, or of the calendar part of a whole e-mail."""
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:15].upper() == b"BEGIN:VCALENDAR":
        return _decoded(data, "utf-8")
    message = message_from_bytes(data, policy=policy.default)
    part = _calendar_part(message)
    if part is None:
        raise Unprocessable(
            "Ce fichier n'est ni un calendrier iCalendar (.ics) ni un message (.eml) qui en "
            "contient un (partie text/calendar)."
        )
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        raise Unprocessable("La partie calendrier du message est vide.")
    return _decoded(payload, part.get_content_charset() or "utf-8")


def _calendar_part(message: Message) -> Message | None:
    """The text/calendar part (the iMIP body), else a calendar sent as an attachment."""
    parts = list(message.walk()) if isinstance(message, EmailMessage) else []
    for part in parts:
        if part.get_content_type() == "text/calendar":
            return part
    for part in parts:
        name = (part.get_filename() or "").lower()
        if part.get_content_type() == "application/ics" or name.endswith(".ics"):
            return part
    return None


def _decoded(data: bytes, charset: str) -> str:
    try:
        return data.decode(charset)
    except (LookupError, UnicodeDecodeError):
        raise Unprocessable(
            f"Le calendrier n'est pas du texte valide dans son encodage annoncé ({charset})."
        ) from None


def read_answers(text: str) -> list[Answer]:
    """The answers of a METHOD:REPLY calendar; 422 naming what makes it something else."""
    try:
        calendar = Calendar.from_ical(text)
    except ValueError:
        raise Unprocessable(
            "Ce fichier n'est pas un calendrier iCalendar lisible (BEGIN:VCALENDAR … "
            "END:VCALENDAR, une propriété par ligne)."
        ) from None
    if calendar.name != "VCALENDAR":
        raise Unprocessable("Ce fichier n'est pas un calendrier iCalendar (VCALENDAR attendu).")
    method = str(calendar.get("METHOD", "")).upper()
    if method != "REPLY":
        raise Unprocessable(
            f"Ce calendrier n'est pas une réponse à une invitation (METHOD:{method or 'absent'}, "
            "METHOD:REPLY attendu)."
        )
    events = calendar.walk("VEVENT")
    if not events:
        raise Unprocessable("Cette réponse ne contient aucun événement (VEVENT).")
    return [answer for event in events for answer in _event_answers(event)]


def _event_answers(event: Component) -> list[Answer]:
    broken = {name for name, _ in event.errors}
    uid = str(event.get("UID", "")).strip()
    if not uid:
        raise Unprocessable("Un événement de la réponse n'a pas d'identifiant (UID).")
    if "SEQUENCE" in broken or "DTSTAMP" in broken or "DTSTAMP" not in event:
        raise Unprocessable(
            f"L'événement {uid} a une SEQUENCE ou une DTSTAMP illisible ou absente."
        )
    sequence = int(event.get("SEQUENCE", 0))
    stamp = event.decoded("DTSTAMP")
    if isinstance(stamp, datetime):
        replied_at = stamp.astimezone(UTC) if stamp.tzinfo else stamp.replace(tzinfo=UTC)
    elif isinstance(stamp, date):
        replied_at = datetime(stamp.year, stamp.month, stamp.day, tzinfo=UTC)
    else:
        raise Unprocessable(f"L'événement {uid} a une DTSTAMP illisible.")
    attendees = event.get("ATTENDEE", [])
    attendees = attendees if isinstance(attendees, list) else [attendees]
    if not attendees:
        raise Unprocessable(f"La réponse à l'événement {uid} ne nomme personne (ATTENDEE).")
    return [_answer(uid, sequence, replied_at, _comment(event), a) for a in attendees]


def _comment(event: Component) -> str | None:
    """What the person wrote with the answer (Outlook sends an empty one)."""
    comments = event.get("COMMENT", [])
    texts = [
        multi_line(str(c)).strip() for c in (comments if isinstance(comments, list) else [comments])
    ]
    return "\n".join(t for t in texts if t)[:MAX_COMMENT] or None


def _answer(
    uid: str, sequence: int, replied_at: datetime, comment: str | None, attendee: Any
) -> Answer:
    address = _email_of(attendee)
    partstat = str(getattr(attendee, "params", {}).get("PARTSTAT", "")).upper()
    if partstat not in ANSWERS:
        raise Unprocessable(
            f"La réponse de {address or 'un participant'} ({partstat or 'sans PARTSTAT'}) n'est "
            "ni une acceptation, ni un refus, ni un « peut-être » (ACCEPTED, DECLINED, TENTATIVE)."
        )
    if not address:
        raise Unprocessable(f"Un participant de la réponse à l'événement {uid} n'a pas d'adresse.")
    return Answer(uid, address, partstat, sequence, replied_at, comment)


def _email_of(attendee: Any) -> str:
    """The attendee's address: its mailto: value, else the EMAIL parameter (RFC 7986)."""
    value = str(attendee).strip()
    if value.lower().startswith("mailto:"):
        return value[7:].strip().lower()
    params = attendee.params if isinstance(attendee, vCalAddress) else {}
    return str(params.get("EMAIL", "")).strip().lower()


def import_reply(session: Session, event: Event, data: bytes) -> list[HearingReply]:
    """Check every answer of the file, then keep them all; returns the rows kept."""
    assert event.id is not None
    answers = read_answers(calendar_text(data))
    release = latest_release(session, event.id)
    published = {e["uid"]: e for e in (release.entries if release else [])}
    checked = [_checked(session, event, published, answer) for answer in answers]
    kept = []
    for hearing, answer, row in checked:
        assert hearing.id is not None
        row = row or HearingReply(
            hearing_id=hearing.id,
            email=answer.email,
            partstat=answer.partstat,
            sequence=answer.sequence,
            replied_at=answer.replied_at,
        )
        row.partstat, row.sequence = answer.partstat, answer.sequence
        row.replied_at, row.comment = answer.replied_at, answer.comment
        row.imported_at = utcnow()
        session.add(row)
        kept.append(row)
    session.flush()
    return kept


def _checked(
    session: Session, event: Event, published: dict[str, dict[str, Any]], answer: Answer
) -> tuple[Hearing, Answer, HearingReply | None]:
    hearing = session.exec(
        select(Hearing).where(Hearing.event_id == event.id, Hearing.ical_uid == answer.uid)
    ).first()
    if hearing is None:
        raise Unprocessable(
            f"Aucune audition de cet événement n'a l'identifiant {answer.uid} : cette réponse "
            "concerne une autre invitation."
        )
    entry = published.get(answer.uid)
    if entry is None:
        raise Unprocessable(
            f"L'audition « {hearing.title} » n'est pas dans l'agenda publié : personne n'y est "
            "convié à ce jour."
        )
    invited = invitees(
        session, member_ids=entry.get("member_ids", []), actor_ids=entry.get("actor_ids", [])
    )
    if answer.email not in {p.email.lower() for p in invited}:
        raise Unprocessable(f"{answer.email} n'est pas convié(e) à l'audition « {hearing.title} ».")
    if answer.sequence > entry["sequence"]:
        raise Unprocessable(
            f"Cette réponse porte sur la version {answer.sequence} de l'invitation, qui n'a "
            f"jamais été envoyée (dernière version : {entry['sequence']})."
        )
    if answer.sequence < entry["sequence"]:
        raise Conflict(
            f"Cette réponse de {answer.email} porte sur une version périmée de l'invitation "
            f"({answer.sequence}, la version publiée est la {entry['sequence']}) : la personne "
            "doit répondre à la dernière invitation reçue."
        )
    row = session.exec(
        select(HearingReply).where(
            HearingReply.hearing_id == hearing.id, HearingReply.email == answer.email
        )
    ).first()
    if row is not None and (row.sequence, row.replied_at) > (answer.sequence, answer.replied_at):
        raise Conflict(
            f"Une réponse plus récente de {answer.email} à cette audition est déjà enregistrée "
            f"({row.replied_at:%d/%m/%Y %H:%M} UTC) : celle-ci est plus ancienne."
        )
    return hearing, answer, row


def participation(session: Session, event: Event) -> list[dict[str, Any]]:
    """Each published hearing with the people it invites and their latest answer."""
    assert event.id is not None
    release = latest_release(session, event.id)
    entries = release.entries if release else []
    directory = Directory.load(
        session,
        member_ids=[i for e in entries for i in e.get("member_ids", [])],
        actor_ids=[i for e in entries for i in e.get("actor_ids", [])],
    )
    replies = {
        (r.hearing_id, r.email): r
        for r in session.exec(
            select(HearingReply).where(
                col(HearingReply.hearing_id).in_([e["hearing_id"] for e in entries])
            )
        )
    }
    return [
        {
            "hearing_id": entry["hearing_id"],
            "title": entry["title"],
            "starts_at": entry["starts_at"],
            "sequence": entry["sequence"],
            "attendees": [
                _attendee(person, replies.get((entry["hearing_id"], person.email.lower())), entry)
                for person in directory.invitees(
                    member_ids=entry.get("member_ids", []), actor_ids=entry.get("actor_ids", [])
                )
            ],
        }
        for entry in entries
    ]


def _attendee(person: Invitee, reply: HearingReply | None, entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": person.name,
        "email": person.email,
        "kind": person.kind,
        "partstat": reply.partstat if reply else "NEEDS-ACTION",
        "answered_sequence": reply.sequence if reply else None,
        # An answer to an earlier version (before a move) no longer says much: shown as such.
        "current": reply is not None and reply.sequence == entry["sequence"],
        "replied_at": reply.replied_at if reply else None,
        "comment": reply.comment if reply else None,
    }
