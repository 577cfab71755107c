"""Organisers' setup of an event: rooms, commission members, feeds, minutes."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response
from sqlmodel import select

from services.auditions.dependencies import (
    HearingDep,
    IfMatch,
    Invalid,
    OrganisedEventDep,
    check_version,
    etag,
)
from services.auditions.models import Actor, Contact, Minutes, PanelMember, Room, Theme
from services.auditions.schemas import (
    MemberIn,
    MemberView,
    MinutesIn,
    MinutesView,
    RoomIn,
    RoomPublic,
)
from services.auditions.tokens import new_token
from services.auditions.views import member_view
from services.auditions.windows import check_windows, stored
from services.common.database import SessionDep
from services.common.errors import NotFound
from services.common.pagination import RowId
from services.common.rate_limits import per_principal
from services.common.sql import utcnow

router = APIRouter(tags=["préparation"])


def _check_theme(session: SessionDep, event_id: int | None, theme_id: int | None) -> None:
    if theme_id is not None:
        theme = session.get(Theme, theme_id)
        if theme is None or theme.event_id != event_id:
            raise Invalid(("theme_id",), "Thème inconnu dans cet événement.")


@router.post("/events/{event_id}/rooms", status_code=201)
def create_room(event: OrganisedEventDep, body: RoomIn, session: SessionDep) -> RoomPublic:
    """Ajoute une salle (avec sa capacité) ou un lien de visioconférence."""
    assert event.id is not None
    if body.kind == "physical" and body.capacity is None:
        raise Invalid(("capacity",), "Une salle physique a une capacité.")
    if body.kind == "video" and not body.video_url:
        raise Invalid(("video_url",), "Un lien de visioconférence a une adresse.")
    check_windows(event, body.availability, field="availability")
    room = Room(
        event_id=event.id,
        name=body.name,
        kind=body.kind,
        capacity=body.capacity,
        video_url=body.video_url,
        availability=stored(body.availability),
    )
    session.add(room)
    session.flush()
    return RoomPublic.model_validate(room, from_attributes=True)


@router.post("/events/{event_id}/members", status_code=201)
def create_member(event: OrganisedEventDep, body: MemberIn, session: SessionDep) -> MemberView:
    """Ajoute un membre de la commission et ses indisponibilités."""
    assert event.id is not None
    _check_theme(session, event.id, body.theme_id)
    check_windows(event, body.unavailability, field="unavailability", disjoint=False)
    member = PanelMember(
        event_id=event.id,
        name=body.name,
        email=body.email,
        role=body.role,
        theme_id=body.theme_id,
        unavailability=stored(body.unavailability),
    )
    session.add(member)
    session.flush()
    return member_view(member)


@router.put("/events/{event_id}/members/{member_id}")
def update_member(
    event: OrganisedEventDep, member_id: RowId, body: MemberIn, session: SessionDep
) -> MemberView:
    """Remplace la fiche d'un membre, dont ses indisponibilités ; les alertes suivent."""
    member = session.get(PanelMember, member_id)
    if member is None or member.event_id != event.id:
        raise NotFound("Membre inconnu.")
    _check_theme(session, event.id, body.theme_id)
    check_windows(event, body.unavailability, field="unavailability", disjoint=False)
    member.name, member.email, member.role = body.name, body.email, body.role
    member.theme_id = body.theme_id
    member.unavailability = stored(body.unavailability)
    session.flush()
    return member_view(member)


@router.post("/events/{event_id}/members/{member_id}/feed", dependencies=[Depends(per_principal())])
def member_feed(event: OrganisedEventDep, member_id: RowId, session: SessionDep) -> dict[str, str]:
    """Crée (ou renouvelle) l'adresse secrète de l'agenda personnel d'un membre."""
    member = session.get(PanelMember, member_id)
    if member is None or member.event_id != event.id:
        raise NotFound("Membre inconnu.")
    token, member.feed_token_hash = new_token()
    session.flush()
    return {"path": f"/feeds/personal.ics?token={token}"}


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
    token, contact.feed_token_hash = new_token()
    session.flush()
    return {"path": f"/feeds/personal.ics?token={token}"}


def _minutes(session: SessionDep, hearing_id: int) -> Minutes:
    minutes = session.exec(select(Minutes).where(Minutes.hearing_id == hearing_id)).first()
    if minutes is None:
        minutes = Minutes(hearing_id=hearing_id)
        session.add(minutes)
        session.flush()
    return minutes


@router.get("/events/{event_id}/hearings/{hearing_id}/minutes")
def read_minutes(hearing: HearingDep, session: SessionDep, response: Response) -> MinutesView:
    """Le compte rendu d'une audition (markdown)."""
    assert hearing.id is not None
    minutes = _minutes(session, hearing.id)
    response.headers["ETag"] = etag(minutes)
    return MinutesView.model_validate(minutes, from_attributes=True)


@router.put(
    "/events/{event_id}/hearings/{hearing_id}/minutes",
    responses={412: {"description": "Version périmée"}},
)
def write_minutes(
    hearing: HearingDep,
    body: MinutesIn,
    session: SessionDep,
    response: Response,
    if_match: IfMatch = None,
) -> MinutesView:
    """Écrit le compte rendu : brouillon, validé ou publié (publié : visible sur l'agenda)."""
    assert hearing.id is not None
    minutes = _minutes(session, hearing.id)
    check_version(minutes, if_match)
    minutes.body, minutes.status = body.body, body.status
    minutes.updated_at = utcnow()
    minutes.version += 1
    session.flush()
    response.headers["ETag"] = etag(minutes)
    return MinutesView.model_validate(minutes, from_attributes=True)
