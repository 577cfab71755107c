"""The heard organisations (actors) and their contact people."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from services.auditions.dependencies import OrganisedEventDep
from services.auditions.models import Actor, Contact
from services.auditions.schemas.people import ActorIn, ActorView, actor_views
from services.common.database import SessionDep
from services.common.errors import NotFound
from services.common.pagination import RowId
from services.common.private_links import issue
from services.common.rate_limits import per_principal

router = APIRouter(tags=["invitations"])


@router.get("/events/{event_id}/actors")
def list_actors(event: OrganisedEventDep, session: SessionDep) -> list[ActorView]:
    """Les organisations auditionnées et leurs contacts (organisateurs)."""
    assert event.id is not None
    return actor_views(session, event.id)


@router.post("/events/{event_id}/actors", status_code=201)
def create_actor(event: OrganisedEventDep, body: ActorIn, session: SessionDep) -> ActorView:
    """Ajoute une organisation et ses personnes de contact."""
    assert event.id is not None
    actor = Actor(event_id=event.id, name=body.name, kind=body.kind)
    session.add(actor)
    session.flush()
    assert actor.id is not None
    for contact in body.contacts:
        session.add(Contact(actor_id=actor.id, name=contact.name, email=contact.email))
    session.flush()
    return actor_views(session, event.id, only=actor.id)[0]


@router.post(
    "/events/{event_id}/contacts/{contact_id}/feed", dependencies=[Depends(per_principal())]
)
def contact_feed(
    event: OrganisedEventDep, contact_id: RowId, session: SessionDep
) -> dict[str, str]:
    """Crée (ou renouvelle) l'adresse secrète de l'agenda d'une personne auditionnée."""
    contact = session.get(Contact, contact_id)
    actor = session.get(Actor, contact.actor_id) if contact is not None else None
    if contact is None or actor is None or actor.event_id != event.id:
        raise NotFound("Personne inconnue.")
    link = issue()
    contact.feed_token_hash = link.digest
    session.flush()
    return {"path": f"/feeds/personal.ics?token={link.token}"}
