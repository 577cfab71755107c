"""The organisers' schedule editor: hearings, placements with warnings, releases, outbox."""

from __future__ import annotations

import uuid
from datetime import UTC
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Response
from sqlmodel import Session, col, select

from services.auditions.conflicts import compute_warnings
from services.auditions.dependencies import HearingDep, OrganisedEventDep
from services.auditions.draft import draft_warnings, hearings_of, load_schedule
from services.auditions.models import (
    Actor,
    Event,
    Hearing,
    PanelMember,
    Room,
    Theme,
)
from services.auditions.schemas.events import event_detail
from services.auditions.schemas.hearings import (
    DraftView,
    HearingIn,
    PlacedHearing,
    PlacementIn,
    WarningView,
    hearing_view,
    warning_view,
)
from services.auditions.schemas.people import actor_views, member_view
from services.common.database import SessionDep
from services.common.errors import Conflict, InvalidField
from services.common.versions import RequiredVersion, set_etag

router = APIRouter(tags=["planning"])


@router.get("/events/{event_id}/warnings")
def list_warnings(event: OrganisedEventDep, session: SessionDep) -> list[WarningView]:
    """Toutes les alertes du planning en cours (organisateurs)."""
    return [warning_view(w) for w in draft_warnings(session, event)]


@router.get("/events/{event_id}/draft")
def read_draft(event: OrganisedEventDep, session: SessionDep) -> DraftView:
    """Le planning en cours : auditions, membres, organisations et alertes."""
    assert event.id is not None
    members = session.exec(
        select(PanelMember).where(PanelMember.event_id == event.id).order_by(col(PanelMember.id))
    )
    return DraftView(
        event=event_detail(session, event),
        hearings=[hearing_view(h) for h in hearings_of(session, event.id)],
        members=[member_view(m) for m in members],
        actors=actor_views(session, event.id),
        warnings=[warning_view(w) for w in draft_warnings(session, event)],
    )


def _check_references(session: Session, event: Event, body: HearingIn) -> None:
    if body.theme_id is not None:
        theme = session.get(Theme, body.theme_id)
        if theme is None or theme.event_id != event.id:
            raise InvalidField(("theme_id",), "Thème inconnu dans cet événement.")
    for index, actor_id in enumerate(body.actor_ids):
        actor = session.get(Actor, actor_id)
        if actor is None or actor.event_id != event.id:
            raise InvalidField(("actor_ids", index), "Organisation inconnue dans cet événement.")
    if body.duration_minutes % event.grid_minutes:
        raise InvalidField(
            ("duration_minutes",),
            f"La durée doit être un multiple de {event.grid_minutes} minutes.",
        )
    known = _member_ids(session, event)
    for index, requirement in enumerate(body.requirements):
        for position, member_id in enumerate(requirement.member_ids):
            if member_id not in known:
                raise InvalidField(
                    ("requirements", index, "member_ids", position), "Membre inconnu."
                )
    if body.earliest_on and body.latest_on and body.earliest_on > body.latest_on:
        raise InvalidField(("latest_on",), "La date au plus tard précède la date au plus tôt.")
    for name in ("earliest_on", "latest_on"):
        day = getattr(body, name)
        if day is not None and not event.starts_on <= day <= event.ends_on:
            raise InvalidField((name,), "Cette date sort de l'événement.")


def _member_ids(session: Session, event: Event) -> set[int]:
    ids = session.exec(select(PanelMember.id).where(PanelMember.event_id == event.id)).all()
    return {member_id for member_id in ids if member_id is not None}


def _requirements(session: Session, event: Event, body: HearingIn) -> list[dict[str, object]]:
    rules: list[dict[str, object]] = [
        {"member_ids": sorted(set(r.member_ids)), "min_count": r.min_count}
        for r in body.requirements
    ]
    if body.president_required:
        president = session.exec(
            select(PanelMember.id).where(
                PanelMember.event_id == event.id, PanelMember.role == "president"
            )
        ).first()
        if president is None:
            raise InvalidField(("president_required",), "Cet événement n'a pas de président.")
        rules.append({"member_ids": [president], "min_count": 1})
    return rules


def _apply(hearing: Hearing, body: HearingIn, requirements: list[dict[str, object]]) -> None:
    for name in (
        "title",
        "theme_id",
        "duration_minutes",
        "mode",
        "delegation_size",
        "priority",
        "earliest_on",
        "latest_on",
        "locked",
    ):
        setattr(hearing, name, getattr(body, name))
    hearing.actor_ids = list(dict.fromkeys(body.actor_ids))
    hearing.requirements = requirements


def _placed(session: Session, event: Event, hearing: Hearing, response: Response) -> PlacedHearing:
    set_etag(response, hearing.version)
    warnings = compute_warnings(load_schedule(session, event))
    return PlacedHearing(
        hearing=hearing_view(hearing),
        warnings=[warning_view(w) for w in warnings if w.hearing_id == hearing.id],
    )


@router.post("/events/{event_id}/hearings", status_code=201)
def create_hearing(
    event: OrganisedEventDep, body: HearingIn, session: SessionDep, response: Response
) -> PlacedHearing:
    """Crée une audition (non placée)."""
    assert event.id is not None
    _check_references(session, event, body)
    hearing = Hearing(
        event_id=event.id,
        title=body.title,
        duration_minutes=body.duration_minutes,
        mode=body.mode,
        ical_uid=f"hearing-{uuid.uuid4()}@auditions",
    )
    _apply(hearing, body, _requirements(session, event, body))
    session.add(hearing)
    session.flush()
    return _placed(session, event, hearing, response)


@router.get("/events/{event_id}/hearings/{hearing_id}")
def read_hearing(
    event: OrganisedEventDep, hearing: HearingDep, session: SessionDep, response: Response
) -> PlacedHearing:
    """Une audition et ses alertes."""
    return _placed(session, event, hearing, response)


@router.put("/events/{event_id}/hearings/{hearing_id}")
def update_hearing(
    event: OrganisedEventDep,
    hearing: HearingDep,
    body: HearingIn,
    session: SessionDep,
    response: Response,
    expected: RequiredVersion,
) -> PlacedHearing:
    """Modifie une audition (avec If-Match)."""
    expected.check(hearing.version, what="Cette audition")
    _check_references(session, event, body)
    _apply(hearing, body, _requirements(session, event, body))
    hearing.version += 1
    session.flush()
    return _placed(session, event, hearing, response)


@router.put(
    "/events/{event_id}/hearings/{hearing_id}/placement",
)
def place_hearing(
    event: OrganisedEventDep,
    hearing: HearingDep,
    body: PlacementIn,
    session: SessionDep,
    response: Response,
    expected: RequiredVersion,
) -> PlacedHearing:
    """Place ou déplace une audition (salle, début, membres) ; les alertes ne bloquent pas."""
    expected.check(hearing.version, what="Cette audition")
    if hearing.locked:
        raise Conflict("Cette audition est verrouillée : déverrouillez-la avant de la déplacer.")
    if (body.room_id is None) != (body.starts_at is None):
        raise InvalidField(
            ("starts_at" if body.starts_at is None else "room_id",),
            "La salle et l'heure de début vont ensemble.",
        )
    if body.room_id is not None:
        room = session.get(Room, body.room_id)
        if room is None or room.event_id != event.id:
            raise InvalidField(("room_id",), "Salle inconnue dans cet événement.")
    if body.starts_at is not None:
        _check_start(event, body)
    if body.member_ids is not None:
        known = _member_ids(session, event)
        for index, member_id in enumerate(body.member_ids):
            if member_id not in known:
                raise InvalidField(("member_ids", index), "Membre inconnu dans cet événement.")
        hearing.member_ids = sorted(set(body.member_ids))
    hearing.room_id = body.room_id
    hearing.starts_at = body.starts_at.astimezone(UTC) if body.starts_at else None
    hearing.version += 1
    session.flush()
    return _placed(session, event, hearing, response)


def _check_start(event: Event, body: PlacementIn) -> None:
    assert body.starts_at is not None
    local = body.starts_at.astimezone(ZoneInfo(event.timezone))
    if not event.starts_on <= local.date() <= event.ends_on:
        raise InvalidField(("starts_at",), "Ce début sort des dates de l'événement.")
    if local.second or local.microsecond or local.minute % event.grid_minutes:
        raise InvalidField(
            ("starts_at",), f"Le début doit tomber sur la grille de {event.grid_minutes} minutes."
        )


@router.post(
    "/events/{event_id}/hearings/{hearing_id}/cancel",
)
def cancel_hearing(
    event: OrganisedEventDep,
    hearing: HearingDep,
    session: SessionDep,
    response: Response,
    expected: RequiredVersion,
) -> PlacedHearing:
    """Annule une audition ; la prochaine version publiée envoie l'annulation."""
    expected.check(hearing.version, what="Cette audition")
    hearing.cancelled = True
    hearing.version += 1
    session.flush()
    return _placed(session, event, hearing, response)
