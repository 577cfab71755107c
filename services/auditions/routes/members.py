"""The commission's members: their details, unavailability and personal calendar feed."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response

from services.auditions.dependencies import MemberDep, OrganisedEventDep
from services.auditions.models import PanelMember, Theme
from services.auditions.schemas.people import MemberIn, MemberView, member_view
from services.auditions.windows import check_windows, stored
from services.common.database import SessionDep
from services.common.errors import InvalidField
from services.common.private_links import issue
from services.common.rate_limits import per_principal
from services.common.versions import RequiredVersion, set_etag

router = APIRouter(tags=["préparation"])


def _check_theme(session: SessionDep, event_id: int | None, theme_id: int | None) -> None:
    if theme_id is not None:
        theme = session.get(Theme, theme_id)
        if theme is None or theme.event_id != event_id:
            raise InvalidField(("theme_id",), "Thème inconnu dans cet événement.")


@router.post("/events/{event_id}/members", status_code=201)
def create_member(
    event: OrganisedEventDep, body: MemberIn, session: SessionDep, response: Response
) -> MemberView:
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
    set_etag(response, member.version)
    return member_view(member)


@router.put("/events/{event_id}/members/{member_id}")
def update_member(
    event: OrganisedEventDep,
    member: MemberDep,
    body: MemberIn,
    session: SessionDep,
    response: Response,
    expected: RequiredVersion,
) -> MemberView:
    """Remplace la fiche d'un membre (avec If-Match), dont ses indisponibilités ; les alertes
    suivent."""
    expected.check(member.version, what="La fiche du membre")
    _check_theme(session, event.id, body.theme_id)
    check_windows(event, body.unavailability, field="unavailability", disjoint=False)
    member.name, member.email, member.role = body.name, body.email, body.role
    member.theme_id = body.theme_id
    member.unavailability = stored(body.unavailability)
    member.version += 1
    session.flush()
    set_etag(response, member.version)
    return member_view(member)


@router.post("/events/{event_id}/members/{member_id}/feed", dependencies=[Depends(per_principal())])
def member_feed(member: MemberDep, session: SessionDep) -> dict[str, str]:
    """Crée (ou renouvelle) l'adresse secrète de l'agenda personnel d'un membre."""
    # A new address is no edit of the member's record: no If-Match, the version stays.
    link = issue()
    member.feed_token_hash = link.digest
    session.flush()
    return {"path": f"/feeds/personal.ics?token={link.token}"}
