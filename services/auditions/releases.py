"""Releases: the draft frozen under a name, the public agenda, and the iTIP messages.

Like pretalx, one draft and named frozen versions; unlike it, each published change of a
hearing raises its SEQUENCE and sends an invitation (METHOD:REQUEST) or a cancellation
(METHOD:CANCEL) to the people concerned, held in the outbox until organisers release it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from services.auditions.calendars import CalendarEntry, build_calendar
from services.auditions.conflicts import HARD
from services.auditions.draft import draft_warnings, hearings_of
from services.auditions.models import (
    Actor,
    Contact,
    Event,
    PanelMember,
    Release,
    Room,
    Theme,
    outbox,
)
from services.auditions.schemas.releases import AgendaEntry, ReleaseDiff
from services.auditions.settings import AuditionsSettings
from services.common.errors import Conflict
from services.common.header_text import header_text
from services.common.mail import enqueue_mail

# The fields of an entry whose change is a new SEQUENCE for calendar clients.
TIMING = ("starts_at", "ends_at", "room")


def latest_release(session: Session, event_id: int) -> Release | None:
    return session.exec(
        select(Release)
        .where(Release.event_id == event_id)
        .order_by(col(Release.id).desc())
        .limit(1)
    ).first()


def draft_entries(session: Session, event: Event) -> list[dict[str, Any]]:
    """What a release records of each placed hearing (private ids kept for feeds)."""
    assert event.id is not None
    rooms = {r.id: r.name for r in session.exec(select(Room).where(Room.event_id == event.id))}
    themes = {t.id: t.name for t in session.exec(select(Theme).where(Theme.event_id == event.id))}
    actors = {a.id: a.name for a in session.exec(select(Actor).where(Actor.event_id == event.id))}
    entries = []
    for hearing in hearings_of(session, event.id):
        if hearing.cancelled or hearing.starts_at is None or hearing.room_id is None:
            continue
        end = hearing.starts_at + timedelta(minutes=hearing.duration_minutes)
        entries.append(
            {
                "hearing_id": hearing.id,
                "title": hearing.title,
                "actors": [actors[a] for a in hearing.actor_ids if a in actors],
                "theme": themes.get(hearing.theme_id),
                "room": rooms.get(hearing.room_id, ""),
                "starts_at": hearing.starts_at.isoformat(),
                "ends_at": end.isoformat(),
                "mode": hearing.mode,
                "uid": hearing.ical_uid,
                "sequence": hearing.ical_sequence,
                "actor_ids": list(hearing.actor_ids),
                "member_ids": list(hearing.member_ids),
            }
        )
    return sorted(entries, key=lambda e: (e["starts_at"], e["room"]))


def freeze(
    session: Session,
    event: Event,
    *,
    name: str,
    changelog: str,
    override: bool,
    settings: AuditionsSettings,
) -> Release:
    """Freeze the draft; a draft with hard warnings needs `override`."""
    assert event.id is not None
    hard = [w for w in draft_warnings(session, event) if w.severity == HARD]
    if hard and not override:
        raise Conflict(
            f"Le planning comporte {len(hard)} alerte(s) bloquante(s) : "
            "corrigez-les ou confirmez la publication malgré elles.",
            extra={"hard_warnings": len(hard)},
        )
    previous = latest_release(session, event.id)
    before = {e["hearing_id"]: e for e in (previous.entries if previous else [])}
    hearings = {h.id: h for h in hearings_of(session, event.id)}
    current = draft_entries(session, event)
    changed = [
        e["hearing_id"]
        for e in current
        if e["hearing_id"] not in before or any(before[e["hearing_id"]][k] != e[k] for k in TIMING)
    ]
    removed = [hid for hid in before if hid not in {e["hearing_id"] for e in current}]
    # Calendars already hold a published (or cancelled) copy of these: they need a newer one.
    known = _ever_released(session, event.id) if set(changed) - before.keys() else set()
    for hid in [*changed, *removed]:
        if hid in hearings and (hid in before or hid in known):
            hearings[hid].ical_sequence += 1
    entries = [{**e, "sequence": hearings[e["hearing_id"]].ical_sequence} for e in current]
    release = Release(
        event_id=event.id,
        name=name,
        changelog=changelog,
        overridden_warnings=len(hard),
        entries=entries,
    )
    session.add(release)
    session.flush()
    by_id = {e["hearing_id"]: e for e in entries}
    for hid in changed:
        _notify(session, event, by_id[hid], settings, cancel=False)
    for hid in removed:
        old = dict(before[hid])
        old["sequence"] = hearings[hid].ical_sequence if hid in hearings else old["sequence"] + 1
        _notify(session, event, old, settings, cancel=True)
    return release


def _ever_released(session: Session, event_id: int) -> set[int]:
    releases = session.exec(select(Release).where(Release.event_id == event_id)).all()
    return {entry["hearing_id"] for release in releases for entry in release.entries}


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


def event_calendar(
    event: Event,
    entries: Sequence[dict[str, Any]],
    *,
    name: str,
    method: str | None = None,
    organizer: str | None = None,
    cancelled: bool = False,
    attendees: tuple[tuple[str, str], ...] = (),
) -> str:
    return build_calendar(
        [calendar_entry(e, cancelled=cancelled, attendees=attendees) for e in entries],
        timezone=event.timezone,
        first_day=event.starts_on,
        last_day=event.ends_on,
        name=name,
        method=method,
        organizer=organizer,
    )


def _recipients(session: Session, entry: dict[str, Any]) -> list[tuple[str, str]]:
    people: list[tuple[str, str]] = []
    if entry["actor_ids"]:
        for contact in session.exec(
            select(Contact).where(col(Contact.actor_id).in_(entry["actor_ids"]))
        ):
            people.append((contact.name, contact.email))
    if entry["member_ids"]:
        for member in session.exec(
            select(PanelMember).where(col(PanelMember.id).in_(entry["member_ids"]))
        ):
            people.append((member.name, member.email))
    return people


def _notify(
    session: Session,
    event: Event,
    entry: dict[str, Any],
    settings: AuditionsSettings,
    *,
    cancel: bool,
) -> None:
    people = _recipients(session, entry)
    if not people:
        return
    method = "CANCEL" if cancel else "REQUEST"
    calendar = event_calendar(
        event,
        [entry],
        name=event.title,
        method=method,
        organizer=_address(settings.mail.from_address),
        cancelled=cancel,
        attendees=tuple(people),
    )
    start = datetime.fromisoformat(entry["starts_at"]).astimezone(ZoneInfo(event.timezone))
    when = f"le {start:%d/%m/%Y} à {start:%H:%M} (heure de Paris), {entry['room']}"
    if cancel:
        subject = f"Annulée : audition « {header_text(entry['title'])} »"
        text = f"L'audition « {entry['title']} » prévue {when} est annulée.\n"
    else:
        subject = f"Audition « {header_text(entry['title'])} » : {start:%d/%m à %H:%M}"
        text = (
            f"L'audition « {entry['title']} » ({event.title}) aura lieu {when}.\n\n"
            "L'invitation jointe s'ajoute à votre agenda ; elle remplace toute version précédente.\n"
        )
    enqueue_mail(
        session,
        outbox,
        settings.mail,
        to=[email for _, email in people],
        subject=subject,
        text=text,
        kind="hearing-cancel" if cancel else "hearing-invitation",
        reference=f"event:{event.id}:hearing:{entry['hearing_id']}",
        calendar=calendar,
        calendar_method=method,
        held=True,
    )


def _address(from_address: str) -> str:
    return from_address.rsplit("<", 1)[-1].strip(" >")


def public_entries(entries: Sequence[dict[str, Any]]) -> list[AgendaEntry]:
    return [AgendaEntry.model_validate(e) for e in entries]


def diff(before: Sequence[dict[str, Any]], after: Sequence[dict[str, Any]]) -> ReleaseDiff:
    old = {e["hearing_id"]: e for e in before}
    new = {e["hearing_id"]: e for e in after}
    return ReleaseDiff(
        added=public_entries([new[h] for h in new if h not in old]),
        removed=public_entries([old[h] for h in old if h not in new]),
        moved=[
            {
                "before": AgendaEntry.model_validate(old[h]),
                "after": AgendaEntry.model_validate(new[h]),
            }
            for h in new
            if h in old and any(old[h][k] != new[h][k] for k in TIMING)
        ],
    )
