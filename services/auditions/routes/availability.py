"""The invited person's side: the form behind their private link, and their answer."""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlmodel import Session

from services.auditions.models import Actor, Contact, Event, Invitation
from services.auditions.schemas.events import event_detail
from services.auditions.schemas.invitations import AvailabilityAnswerIn, InvitationForm
from services.auditions.windows import check_windows, stored
from services.common.database import SessionDep
from services.common.errors import NotFound
from services.common.private_links import LinkToken, find
from services.common.sql import utcnow
from services.common.versions import ExpectedVersion, set_etag

router = APIRouter(tags=["invitations"])

UNKNOWN_LINK = "Ce lien personnel est inconnu ou n'est plus valable."


def _by_token(session: Session, token: str) -> Invitation:
    invitation = find(session, Invitation, "token_hash", token)
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
def open_invitation(token: LinkToken, session: SessionDep, response: Response) -> InvitationForm:
    """Ce que voit la personne invitée derrière son lien (en-tête Authorization: PrivateLink)."""
    invitation = _by_token(session, token)
    set_etag(response, invitation.version)
    return _form(session, invitation)


@router.post(
    "/availability/answer",
    responses={404: {"description": "Lien inconnu"}, 412: {"description": "Version périmée"}},
)
def answer_invitation(
    token: LinkToken, body: AvailabilityAnswerIn, session: SessionDep, response: Response
) -> InvitationForm:
    """Enregistre les disponibilités, la délégation, le mode et la contribution écrite."""
    invitation = _by_token(session, token)
    if body.version is not None:
        # The invited person's own page: the version travels in the answer, as before.
        ExpectedVersion(frozenset({str(body.version)})).check(
            invitation.version, what="Votre réponse"
        )
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
    set_etag(response, invitation.version)
    return _form(session, invitation)


def _checked_windows(event: Event, body: AvailabilityAnswerIn) -> list[dict[str, str]]:
    check_windows(event, body.availability, field="availability")
    return [
        {"start": start, "end": end, "answer": w.answer}
        for (start, end), w in zip(stored(body.availability), body.availability, strict=True)
    ]
