"""Actors, their contact people and the personal links where they give availability."""

from __future__ import annotations

from collections import defaultdict

from fastapi import APIRouter, Depends, Response
from sqlmodel import Session, col, select

from services.auditions.dependencies import (
    Invalid,
    OrganisedEventDep,
    SettingsDep,
    check_version,
    etag,
)
from services.auditions.models import Actor, Contact, Event, Invitation, outbox
from services.auditions.schemas import (
    ActorIn,
    ActorView,
    AvailabilityAnswerIn,
    ContactView,
    InvitationForm,
    InvitationIn,
    InvitationView,
    TokenIn,
)
from services.auditions.settings import AuditionsSettings
from services.auditions.tokens import hash_token, new_token
from services.auditions.views import event_detail
from services.auditions.windows import check_windows, stored
from services.common.database import SessionDep
from services.common.errors import NotFound
from services.common.mail import enqueue_mail
from services.common.pagination import RowId
from services.common.rate_limits import per_principal
from services.common.sql import utcnow

router = APIRouter(tags=["invitations"])

UNKNOWN_LINK = "Ce lien personnel est inconnu ou n'est plus valable."


def actor_views(session: Session, event_id: int, only: int | None = None) -> list[ActorView]:
    """The event's actors with their contacts and answers, in three queries."""
    query = select(Actor).where(Actor.event_id == event_id).order_by(col(Actor.name), col(Actor.id))
    if only is not None:
        query = query.where(Actor.id == only)
    actors = session.exec(query).all()
    ids = [a.id for a in actors]
    contacts: dict[int, list[ContactView]] = defaultdict(list)
    for contact in session.exec(
        select(Contact).where(col(Contact.actor_id).in_(ids)).order_by(col(Contact.id))
    ):
        contacts[contact.actor_id].append(ContactView.model_validate(contact, from_attributes=True))
    invitations: dict[int, list[Invitation]] = defaultdict(list)
    for invitation in session.exec(select(Invitation).where(col(Invitation.actor_id).in_(ids))):
        invitations[invitation.actor_id].append(invitation)
    views = []
    for actor in actors:
        assert actor.id is not None
        mine = invitations[actor.id]
        answered = [i for i in mine if i.status == "answered"]
        status = "answered" if answered else (mine[0].status if mine else None)
        views.append(
            ActorView(
                id=actor.id,
                name=actor.name,
                kind=actor.kind,
                contacts=contacts[actor.id],
                invitation_status=status,
                delegation_size=max((i.delegation_size or 0 for i in answered), default=None),
                mode=answered[0].mode if answered else None,
                availability=[i.availability for i in mine if i.status in ("answered", "declined")],
            )
        )
    return views


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


def _send_invitation(
    session: Session,
    event: Event,
    actor: Actor,
    contact: Contact,
    settings: AuditionsSettings,
    *,
    reminder: bool,
) -> str:
    token, digest = new_token()
    link = settings.mail.link(f"/disponibilites.html#{token}")
    subject = ("Rappel : " if reminder else "") + f"{event.title} : vos disponibilités"
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
    return digest


@router.post(
    "/events/{event_id}/invitations", status_code=201, dependencies=[Depends(per_principal())]
)
def invite_actor(
    event: OrganisedEventDep, body: InvitationIn, session: SessionDep, settings: SettingsDep
) -> list[InvitationView]:
    """Envoie à chaque contact de l'organisation son lien personnel de disponibilités."""
    actor = session.get(Actor, body.actor_id)
    if actor is None or actor.event_id != event.id:
        raise Invalid(("actor_id",), "Organisation inconnue dans cet événement.")
    contacts = session.exec(select(Contact).where(Contact.actor_id == actor.id)).all()
    if not contacts:
        raise Invalid(("actor_id",), "Cette organisation n'a aucune personne de contact.")
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
    waiting = session.exec(
        select(Invitation)
        .where(Invitation.event_id == event.id, Invitation.status == "sent")
        .order_by(col(Invitation.id))
    ).all()
    for invitation in waiting:
        _remind(session, event, invitation, settings)
    session.flush()
    return [InvitationView.model_validate(i, from_attributes=True) for i in waiting]


@router.post(
    "/events/{event_id}/invitations/{invitation_id}/reminder",
    dependencies=[Depends(per_principal())],
)
def remind(
    event: OrganisedEventDep, invitation_id: RowId, session: SessionDep, settings: SettingsDep
) -> InvitationView:
    """Relance une personne qui n'a pas répondu (un nouveau lien remplace l'ancien)."""
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.event_id != event.id:
        raise NotFound("Invitation inconnue.")
    _remind(session, event, invitation, settings)
    session.flush()
    return InvitationView.model_validate(invitation, from_attributes=True)


def _by_token(session: Session, token: str) -> Invitation:
    # The hash is unique and indexed; the lookup by hash compares no secret byte by byte.
    invitation = session.exec(
        select(Invitation).where(Invitation.token_hash == hash_token(token))
    ).first()
    if invitation is None:
        raise NotFound(UNKNOWN_LINK)
    return invitation


def _form(session: Session, invitation: Invitation) -> InvitationForm:
    event = session.get(Event, invitation.event_id)
    actor = session.get(Actor, invitation.actor_id)
    contact = session.get(Contact, invitation.contact_id)
    assert event is not None
    assert actor is not None
    assert contact is not None
    return InvitationForm(
        event=event_detail(session, event),
        actor_name=actor.name,
        contact_name=contact.name,
        status=invitation.status,
        delegation_size=invitation.delegation_size,
        mode=invitation.mode,
        contribution=invitation.contribution,
        availability=invitation.availability,
        version=invitation.version,
    )


@router.post("/availability/open", responses={404: {"description": "Lien inconnu"}})
def open_invitation(body: TokenIn, session: SessionDep, response: Response) -> InvitationForm:
    """Ce que voit la personne invitée derrière son lien (le jeton voyage dans le corps)."""
    invitation = _by_token(session, body.token)
    response.headers["ETag"] = etag(invitation)
    return _form(session, invitation)


@router.post(
    "/availability/answer",
    responses={404: {"description": "Lien inconnu"}, 412: {"description": "Version périmée"}},
)
def answer_invitation(
    body: AvailabilityAnswerIn, session: SessionDep, response: Response
) -> InvitationForm:
    """Enregistre les disponibilités, la délégation, le mode et la contribution écrite."""
    invitation = _by_token(session, body.token)
    if body.version is not None:
        check_version(invitation, str(body.version))
    event = session.get(Event, invitation.event_id)
    assert event is not None
    windows = _checked_windows(event, body)
    invitation.status = "declined" if body.declined else "answered"
    invitation.answered_at = utcnow()
    invitation.delegation_size = body.delegation_size
    invitation.mode = body.mode
    invitation.contribution = body.contribution
    invitation.availability = windows
    invitation.version += 1
    session.flush()
    response.headers["ETag"] = etag(invitation)
    return _form(session, invitation)


def _checked_windows(event: Event, body: AvailabilityAnswerIn) -> list[dict[str, str]]:
    check_windows(event, body.availability, field="availability")
    return [
        {"start": start, "end": end, "answer": w.answer}
        for (start, end), w in zip(stored(body.availability), body.availability, strict=True)
    ]
