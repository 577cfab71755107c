"""Releases of the schedule and the outbox that organisers review before messages leave."""

from __future__ import annotations

from email import message_from_string, policy
from email.message import EmailMessage
from typing import Any

from fastapi import APIRouter
from sqlalchemy import Select
from sqlalchemy import select as sa_select

from services.auditions.dependencies import OrganisedEventDep, SettingsDep
from services.auditions.models import Event, Release, outbox
from services.auditions.releases import freeze
from services.auditions.schemas.releases import OutboxItem, OutboxReleaseIn, ReleaseIn, ReleaseView
from services.common.database import SessionDep
from services.common.errors import InvalidField
from services.common.mail import release_mail

router = APIRouter(tags=["publication"])


@router.post(
    "/events/{event_id}/releases",
    status_code=201,
    responses={409: {"description": "Alertes bloquantes"}},
)
def release_schedule(
    event: OrganisedEventDep, body: ReleaseIn, session: SessionDep, settings: SettingsDep
) -> ReleaseView:
    """Publie le planning en cours sous un nom ; les invitations attendent dans la boîte d'envoi."""
    release: Release = freeze(
        session,
        event,
        name=body.name,
        changelog=body.changelog,
        override=body.override_hard_warnings,
        settings=settings,
    )
    return ReleaseView.model_validate(release, from_attributes=True)


def _event_messages(event: Event) -> Select[Any]:
    return sa_select(outbox).where(outbox.c.reference.like(f"event:{event.id}:%"))


@router.get("/events/{event_id}/outbox")
def list_outbox(event: OrganisedEventDep, session: SessionDep) -> list[OutboxItem]:
    """Les messages de l'événement, ceux en attente de relecture d'abord, avec leur texte."""
    rows = (
        session.connection()
        .execute(_event_messages(event).order_by(outbox.c.id.desc()).limit(500))
        .mappings()
        .all()
    )
    items = [
        OutboxItem.model_validate(
            {**row, "preview": _text_of(row["message"]) if row["status"] == "held" else None}
        )
        for row in rows
    ]
    return sorted(items, key=lambda i: (i.status != "held", -i.id))


def _text_of(raw: str | None) -> str | None:
    if not raw:
        return None
    message = message_from_string(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    body = message.get_body(preferencelist=("plain",))
    return body.get_content() if isinstance(body, EmailMessage) else None


@router.post("/events/{event_id}/outbox/release")
def release_outbox(
    event: OrganisedEventDep, body: OutboxReleaseIn, session: SessionDep
) -> dict[str, int]:
    """Laisse partir les messages relus."""
    mine = set(
        session.connection()
        .execute(
            sa_select(outbox.c.id).where(
                outbox.c.id.in_(body.ids), outbox.c.reference.like(f"event:{event.id}:%")
            )
        )
        .scalars()
    )
    for index, message_id in enumerate(body.ids):
        if message_id not in mine:
            raise InvalidField(("ids", index), "Message inconnu pour cet événement.")
    return {"released": release_mail(session, outbox, sorted(mine))}
