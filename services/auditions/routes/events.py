"""Organisers create and adjust events: dates, excluded days, hours, grid, themes."""

from __future__ import annotations

from email.utils import parseaddr

from fastapi import APIRouter, Response
from slugify import slugify
from sqlmodel import Session, col, select

from services.auditions.dependencies import OrganisedEventDep, Organiser, SettingsDep
from services.auditions.models import Event, Theme
from services.auditions.schemas.events import (
    EventDetail,
    EventIn,
    OrganizerIn,
    ThemeIn,
    ThemePublic,
    event_detail,
)
from services.auditions.settings import AuditionsSettings
from services.common.database import SessionDep
from services.common.errors import InvalidField
from services.common.versions import RequiredVersion, set_etag

router = APIRouter(tags=["préparation"])


def check_event(body: EventIn) -> None:
    """Rules between fields, each failure naming its field."""
    if body.ends_on < body.starts_on:
        raise InvalidField(("ends_on",), "La fin de l'événement précède son début.")
    if (body.ends_on - body.starts_on).days > 366:
        raise InvalidField(("ends_on",), "Un événement dure au plus un an.")
    if body.day_end <= body.day_start:
        raise InvalidField(("day_end",), "La fin de journée doit suivre son début.")
    if (body.lunch_start is None) != (body.lunch_end is None):
        raise InvalidField(("lunch_end",), "La pause déjeuner a un début et une fin.")
    lunch = (body.lunch_start, body.lunch_end)
    if (
        lunch[0] is not None
        and lunch[1] is not None
        and not (body.day_start <= lunch[0] < lunch[1] <= body.day_end)
    ):
        raise InvalidField(("lunch_start",), "La pause déjeuner doit tenir dans la journée.")
    for index, day in enumerate(body.excluded_dates):
        if not body.starts_on <= day <= body.ends_on:
            raise InvalidField(("excluded_dates", index), "Ce jour est en dehors de l'événement.")


def check_organizer(address: str | None, settings: AuditionsSettings) -> None:
    """The answers must reach someone: never the no-reply sender of the e-mails."""
    sender = parseaddr(settings.mail.from_address)[1].lower()
    if address is not None and address.strip().lower() == sender:
        raise InvalidField(
            ("organizer_email",),
            "Cette adresse est celle des envois sans réponse : indiquez une boîte que le "
            "secrétariat lit, les réponses aux invitations y arrivent.",
        )


def _apply(event: Event, body: EventIn) -> None:
    for name in (
        "title",
        "description",
        "location",
        "starts_on",
        "ends_on",
        "published",
        "timezone",
        "exclude_weekends",
        "day_start",
        "day_end",
        "lunch_start",
        "lunch_end",
        "grid_minutes",
        "buffer_minutes",
        "organizer_email",
    ):
        setattr(event, name, getattr(body, name))
    event.excluded_dates = sorted({d.isoformat() for d in body.excluded_dates})


def _unique_slug(session: Session, title: str) -> str:
    base = slugify(title, max_length=200) or "auditions"
    slug, n = base, 1
    while session.exec(select(Event.id).where(Event.slug == slug)).first() is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug


@router.get("/manage/events")
def list_all_events(session: SessionDep, _: Organiser) -> list[EventDetail]:
    """Tous les événements, publiés ou en préparation (organisateurs)."""
    events = session.exec(select(Event).order_by(col(Event.starts_on), col(Event.id))).all()
    return [event_detail(session, e) for e in events]


@router.post("/events", status_code=201)
def create_event(
    body: EventIn, session: SessionDep, _: Organiser, response: Response, settings: SettingsDep
) -> EventDetail:
    """Crée un événement (dates, jours exclus, horaires, grille, battement)."""
    check_event(body)
    check_organizer(body.organizer_email, settings)
    event = Event(
        slug=_unique_slug(session, body.title),
        title=body.title,
        description=body.description,
        location=body.location,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
    )
    _apply(event, body)
    session.add(event)
    session.flush()
    set_etag(response, event.version)
    return event_detail(session, event)


@router.put("/events/{event_id}")
def update_event(
    event: OrganisedEventDep,
    body: EventIn,
    session: SessionDep,
    response: Response,
    expected: RequiredVersion,
    settings: SettingsDep,
) -> EventDetail:
    """Modifie un événement (avec If-Match) ; les alertes du planning suivent."""
    expected.check(event.version, what="La fiche de l'événement")
    check_event(body)
    check_organizer(body.organizer_email, settings)
    _apply(event, body)
    event.version += 1
    session.flush()
    set_etag(response, event.version)
    return event_detail(session, event)


@router.put("/events/{event_id}/organizer")
def update_organizer(
    event: OrganisedEventDep,
    body: OrganizerIn,
    session: SessionDep,
    response: Response,
    expected: RequiredVersion,
    settings: SettingsDep,
) -> EventDetail:
    """Change l'adresse de l'organisateur des invitations, qui reçoit les réponses (If-Match)."""
    expected.check(event.version, what="La fiche de l'événement")
    check_organizer(body.organizer_email, settings)
    event.organizer_email = body.organizer_email
    event.version += 1
    session.flush()
    set_etag(response, event.version)
    return event_detail(session, event)


@router.post("/events/{event_id}/themes", status_code=201)
def create_theme(event: OrganisedEventDep, body: ThemeIn, session: SessionDep) -> ThemePublic:
    """Ajoute un thème (un axe du plan)."""
    assert event.id is not None
    theme = Theme(event_id=event.id, name=body.name, position=body.position)
    session.add(theme)
    session.flush()
    return ThemePublic.model_validate(theme, from_attributes=True)
