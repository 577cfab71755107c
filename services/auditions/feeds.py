"""Personal calendar feeds: a secret link per member or contact person, of the latest release."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from services.auditions.models import Actor, Contact, Event, PanelMember
from services.auditions.releases import latest_release
from services.common.errors import NotFound
from services.common.private_links import find

UNKNOWN_FEED = "Ce lien d'agenda est inconnu ou a été renouvelé."


def personal_entries(session: Session, token: str) -> tuple[Event, list[dict[str, Any]]]:
    """The event and the released hearings of the person holding `token`."""
    # The token is in the feed's URL (calendar applications send no headers), never stored:
    # only its digest is, looked up and compared in constant time.
    member = find(session, PanelMember, "feed_token_hash", token)
    if member is not None:
        event = session.get(Event, member.event_id)
        key, wanted = "member_ids", member.id
    else:
        contact = find(session, Contact, "feed_token_hash", token)
        actor = session.get(Actor, contact.actor_id) if contact is not None else None
        if actor is None:
            raise NotFound(UNKNOWN_FEED)
        event = session.get(Event, actor.event_id)
        key, wanted = "actor_ids", actor.id
    if event is None or event.id is None:
        raise NotFound(UNKNOWN_FEED)
    release = latest_release(session, event.id)
    entries = release.entries if release is not None else []
    return event, [entry for entry in entries if wanted in entry[key]]
