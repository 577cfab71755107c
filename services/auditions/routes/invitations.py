"""Actors, their contact people and the personal links where they give availability."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlmodel import Session, col, select

from services.auditions.dependencies import OrganisedEventDep, SettingsDep
from services.auditions.models import Actor, Contact, Event, Invitation, outbox
from services.auditions.personal_data import link_revoked
from services.auditions.schemas.invitations import (
    InvitationIn,
    InvitationView,
)
from services.auditions.settings import AuditionsSettings
from services.common.database import SessionDep
from services.common.errors import Conflict, InvalidField, NotFound
from services.common.header_text import header_text
from services.common.mail import enqueue_mail
from services.common.pagination import RowId
from services.common.private_links import issue
from services.common.rate_limits import per_principal
from services.common.sql import utcnow

router = APIRouter(tags=["invitations"])

UNKNOWN_LINK = "Ce lien personnel est inconnu ou n'est plus valable."


def _send_invitation(
    session: Session,
    event: Event,
    actor: Actor,
    contact: Contact,
    settings: AuditionsSettings,
    *,
    reminder: bool,
) -> str:
    private = issue()
    link = settings.mail.link(f"/disponibilites.html#{private.token}")
    subject = ("Rappel : " if reminder else "") + f"{header_text(event.title)} : vos disponibilités"
    text = (
        f"Bonjour {contact.name},\n\n"
        f"La commission souhaite entendre {actor.name} lors des « {event.title} » "
        f"(du {event.starts_on:%d/%m/%Y} au {event.ends_on:%d/%m/%Y}).\n\n"
        f"Indiquez vos disponibilités, la taille de votre délégation et le mode d'audition "
        f"sur cette page personnelle :\n{link}\n\n"
        "Ce lien vous est propre : ne le transmettez pas.\n"
    )
    enqueue_mail(
        session,
        outbox,
        settings.mail,
        to=[contact.email],
        subject=subject,
        text=text,
        kind="availability-reminder" if reminder else "availability-invitation",
        reference=f"event:{event.id}:actor:{actor.id}",
    )
    return private.digest


@router.post(
    "/events/{event_id}/invitations", status_code=201, dependencies=[Depends(per_principal())]
)
def invite_actor(
    event: OrganisedEventDep, body: InvitationIn, session: SessionDep, settings: SettingsDep
) -> list[InvitationView]:
    """Envoie à chaque contact de l'organisation son lien personnel de disponibilités."""
    actor = session.get(Actor, body.actor_id)
    if actor is None or actor.event_id != event.id:
        raise InvalidField(("actor_id",), "Organisation inconnue dans cet événement.")
    contacts = session.exec(select(Contact).where(Contact.actor_id == actor.id)).all()
    if not contacts:
        raise InvalidField(("actor_id",), "Cette organisation n'a aucune personne de contact.")
    assert event.id is not None
    assert actor.id is not None
    created = []
    for contact in contacts:
        assert contact.id is not None
        existing = session.exec(
            select(Invitation).where(Invitation.contact_id == contact.id)
        ).first()
        digest = _send_invitation(
            session, event, actor, contact, settings, reminder=existing is not None
        )
        if existing is not None:
            # A new link replaces the old one: the latest e-mail is the one that works.
            existing.token_hash = digest
            existing.reminders_sent += 1
            existing.last_reminder_at = utcnow()
            created.append(existing)
        else:
            invitation = Invitation(
                event_id=event.id, actor_id=actor.id, contact_id=contact.id, token_hash=digest
            )
            session.add(invitation)
            created.append(invitation)
    session.flush()
    return [InvitationView.model_validate(i, from_attributes=True) for i in created]


@router.get("/events/{event_id}/invitations")
def list_invitations(event: OrganisedEventDep, session: SessionDep) -> list[InvitationView]:
    """Les invitations envoyées et leur état."""
    rows = session.exec(
        select(Invitation).where(Invitation.event_id == event.id).order_by(col(Invitation.id))
    ).all()
    return [InvitationView.model_validate(i, from_attributes=True) for i in rows]


def _remind(
    session: Session, event: Event, invitation: Invitation, settings: AuditionsSettings
) -> None:
    actor = session.get(Actor, invitation.actor_id)
    contact = session.get(Contact, invitation.contact_id)
    assert actor is not None
    assert contact is not None
    invitation.token_hash = _send_invitation(
        session, event, actor, contact, settings, reminder=True
    )
    invitation.reminders_sent += 1
    invitation.last_reminder_at = utcnow()


# Declared before "/{invitation_id}/reminder" so that "reminders" is never read as an id.
@router.post("/events/{event_id}/invitations/reminders", dependencies=[Depends(per_principal())])
def remind_all(
    event: OrganisedEventDep, session: SessionDep, settings: SettingsDep
) -> list[InvitationView]:
    """Relance toutes les personnes qui n'ont pas encore répondu."""
    waiting = [
        invitation
        for invitation in session.exec(
            select(Invitation)
            .where(Invitation.event_id == event.id, Invitation.status == "sent")
            .order_by(col(Invitation.id))
        )
        # An erased person's link stays revoked: a reminder would bring it back to life.
        if not link_revoked(invitation.token_hash)
    ]
    for invitation in waiting:
        _remind(session, event, invitation, settings)
    session.flush()
    return [InvitationView.model_validate(i, from_attributes=True) for i in waiting]


@router.post(
    "/events/{event_id}/invitations/{invitation_id}/reminder",
    dependencies=[Depends(per_principal())],
    responses={409: {"description": "Données de la personne effacées"}},
)
def remind(
    event: OrganisedEventDep, invitation_id: RowId, session: SessionDep, settings: SettingsDep
) -> InvitationView:
    """Relance une personne qui n'a pas répondu (un nouveau lien remplace l'ancien)."""
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.event_id != event.id:
        raise NotFound("Invitation inconnue.")
    if link_revoked(invitation.token_hash):
        raise Conflict(
            "Les données de cette personne ont été effacées : elle ne peut être relancée."
        )
    _remind(session, event, invitation, settings)
    session.flush()
    return InvitationView.model_validate(invitation, from_attributes=True)
