"""The iTIP messages a release sends (RFC 5546 over iMIP, RFC 6047): who gets what.

Every person invited to a published hearing holds a copy of it in their calendar, keyed by
its UID; a release must leave none of these copies stale:
- a hearing new to the agenda, moved, or whose invited people changed: a REQUEST, with the
  new SEQUENCE, to everyone now invited (those already invited too: a REPLY they would send
  to the older SEQUENCE would be out of date);
- a person no longer invited (a member taken off, an organisation taken out): a CANCEL of the
  same UID, with that SEQUENCE, to that person alone;
- a hearing cancelled or taken off the agenda: a CANCEL to everyone it had invited.
The messages are held in the outbox until organisers release them. ORGANIZER (and Reply-To)
is the event's organiser mailbox, where calendar clients send their answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from services.auditions.calendars import CalendarEntry, build_calendar
from services.auditions.models import Contact, Event, PanelMember, outbox
from services.auditions.settings import AuditionsSettings
from services.common.mail import enqueue_mail

# Who an entry invites: the members sitting and the organisations heard (their contacts).
INVITED = ("member_ids", "actor_ids")


def organizer_of(event: Event, settings: AuditionsSettings) -> str:
    """The mailbox that receives the answers: the event's, else the deployment's."""
    return event.organizer_email or settings.organizer_email


def calendar_entry(
    entry: dict[str, Any], *, cancelled: bool = False, attendees: tuple[tuple[str, str], ...] = ()
) -> CalendarEntry:
    actors = ", ".join(entry["actors"])
    return CalendarEntry(
        uid=entry["uid"],
        sequence=entry["sequence"],
        start=datetime.fromisoformat(entry["starts_at"]),
        end=datetime.fromisoformat(entry["ends_at"]),
        summary=f"Audition : {entry['title']}",
        location=entry["room"],
        description=f"Organisation(s) : {actors}" if actors else "",
        cancelled=cancelled,
        attendees=attendees,
    )


@dataclass(frozen=True)
class Invitee:
    name: str
    email: str
    kind: str  # member (of the commission) or contact (of an organisation heard)


@dataclass(frozen=True)
class Directory:
    """The contacts and members that some entries invite, read in two queries."""

    contacts: dict[int, list[Contact]]  # by actor
    members: dict[int, PanelMember]

    @classmethod
    def load(
        cls, session: Session, *, member_ids: Iterable[int], actor_ids: Iterable[int]
    ) -> Directory:
        actors, members = sorted(set(actor_ids)), sorted(set(member_ids))
        contacts: dict[int, list[Contact]] = {}
        if actors:
            query = (
                select(Contact).where(col(Contact.actor_id).in_(actors)).order_by(col(Contact.id))
            )
            for contact in session.exec(query):
                contacts.setdefault(contact.actor_id, []).append(contact)
        sitting: dict[int, PanelMember] = {}
        if members:
            query_members = select(PanelMember).where(col(PanelMember.id).in_(members))
            sitting = {m.id: m for m in session.exec(query_members) if m.id is not None}
        return cls(contacts, sitting)

    def invitees(self, *, member_ids: Iterable[int], actor_ids: Iterable[int]) -> list[Invitee]:
        """The contacts of these organisations, then these members (without an address: none)."""
        people = [
            Invitee(c.name, c.email, "contact")
            for actor in sorted(set(actor_ids))
            for c in self.contacts.get(actor, [])
        ]
        people += [
            Invitee(m.name, m.email, "member")
            for m in (self.members.get(i) for i in sorted(set(member_ids)))
            if m is not None
        ]
        return [p for p in people if p.email]


def invitees(
    session: Session, *, member_ids: Iterable[int], actor_ids: Iterable[int]
) -> list[Invitee]:
    """Whom an entry invites: the contacts of its organisations, then its sitting members."""
    members, actors = list(member_ids), list(actor_ids)
    directory = Directory.load(session, member_ids=members, actor_ids=actors)
    return directory.invitees(member_ids=members, actor_ids=actors)


def invitation_changed(before: dict[str, Any], after: dict[str, Any]) -> bool:
    return any(sorted(before.get(k, [])) != sorted(after.get(k, [])) for k in INVITED)


def send_request(
    session: Session, event: Event, entry: dict[str, Any], settings: AuditionsSettings
) -> None:
    """The invitation (or its update) to everyone the entry invites."""
    people = invitees(session, member_ids=entry["member_ids"], actor_ids=entry["actor_ids"])
    when = _when(event, entry)
    _send(
        session,
        event,
        entry,
        settings,
        people=people,
        method="REQUEST",
        subject=f"Audition « {entry['title']} » : {_start(event, entry):%d/%m à %H:%M}",
        text=(
            f"L'audition « {entry['title']} » ({event.title}) aura lieu {when}.\n\n"
            "L'invitation jointe s'ajoute à votre agenda ; elle remplace toute version précédente.\n"
            "Votre réponse (accepter, décliner) parvient au secrétariat des auditions.\n"
        ),
    )


def send_cancel(
    session: Session,
    event: Event,
    entry: dict[str, Any],
    settings: AuditionsSettings,
    *,
    member_ids: Iterable[int],
    actor_ids: Iterable[int],
    uninvited: bool,
) -> None:
    """The cancellation of `entry` (as these people hold it) to the members and organisations
    given: the whole hearing, or (`uninvited`) only their part in it."""
    people = invitees(session, member_ids=member_ids, actor_ids=actor_ids)
    when = _when(event, entry)
    text = (
        f"Vous n'êtes plus convié(e) à l'audition « {entry['title']} » prévue {when}.\n"
        if uninvited
        else f"L'audition « {entry['title']} » prévue {when} est annulée.\n"
    )
    _send(
        session,
        event,
        entry,
        settings,
        people=people,
        method="CANCEL",
        subject=f"Annulée : audition « {entry['title']} »",
        text=text + "L'annulation jointe la retire de votre agenda.\n",
    )


def _start(event: Event, entry: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(entry["starts_at"]).astimezone(ZoneInfo(event.timezone))


def _when(event: Event, entry: dict[str, Any]) -> str:
    start = _start(event, entry)
    return f"le {start:%d/%m/%Y} à {start:%H:%M} (heure de Paris), {entry['room']}"


def _send(
    session: Session,
    event: Event,
    entry: dict[str, Any],
    settings: AuditionsSettings,
    *,
    people: list[Invitee],
    method: str,
    subject: str,
    text: str,
) -> None:
    if not people:
        return
    organizer = organizer_of(event, settings)
    calendar = build_calendar(
        [
            calendar_entry(
                entry,
                cancelled=method == "CANCEL",
                attendees=tuple((p.name, p.email) for p in people),
            )
        ],
        timezone=event.timezone,
        first_day=event.starts_on,
        last_day=event.ends_on,
        name=event.title,
        method=method,
        organizer=organizer,
    )
    enqueue_mail(
        session,
        outbox,
        settings.mail,
        to=[p.email for p in people],
        subject=subject,
        text=text,
        kind="hearing-cancel" if method == "CANCEL" else "hearing-invitation",
        reference=f"event:{event.id}:hearing:{entry['hearing_id']}",
        calendar=calendar,
        calendar_method=method,
        reply_to=organizer,
        held=True,
    )
