"""Organisers add an event's rooms and video links."""

from __future__ import annotations

from fastapi import APIRouter

from services.auditions.dependencies import OrganisedEventDep
from services.auditions.models import Room
from services.auditions.schemas.events import RoomIn, RoomPublic
from services.auditions.windows import check_windows, stored
from services.common.database import SessionDep
from services.common.errors import InvalidField

router = APIRouter(tags=["préparation"])


@router.post("/events/{event_id}/rooms", status_code=201)
def create_room(event: OrganisedEventDep, body: RoomIn, session: SessionDep) -> RoomPublic:
    """Ajoute une salle (avec sa capacité) ou un lien de visioconférence."""
    assert event.id is not None
    if body.kind == "physical" and body.capacity is None:
        raise InvalidField(("capacity",), "Une salle physique a une capacité.")
    if body.kind == "video" and not body.video_url:
        raise InvalidField(("video_url",), "Un lien de visioconférence a une adresse.")
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
