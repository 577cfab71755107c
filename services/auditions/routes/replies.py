"""Answers to the invitations: REPLY files imported by organisers, and who answered what."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, UploadFile

from services.auditions.dependencies import OrganisedEventDep
from services.auditions.replies import import_reply, participation
from services.auditions.schemas.replies import HearingParticipation, ImportedReply, ReplyImport
from services.common.database import SessionDep
from services.common.errors import InvalidField

router = APIRouter(tags=["publication"])

# A REPLY is a few kilobytes; a whole message with its quoted invitation, some tens.
MAX_BYTES = 512 * 1024


@router.post(
    "/events/{event_id}/replies",
    responses={
        409: {"description": "Réponse périmée ou plus ancienne que celle enregistrée"},
        422: {"description": "Fichier qui n'est pas une réponse à une invitation de l'événement"},
    },
)
async def import_replies(
    event: OrganisedEventDep,
    session: SessionDep,
    file: Annotated[
        UploadFile,
        File(description="La réponse d'un agenda : fichier .ics (METHOD:REPLY) ou message .eml."),
    ],
) -> ReplyImport:
    """Importe une réponse à une invitation (iMIP REPLY) reçue à l'adresse de l'organisateur."""
    data = await file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise InvalidField(
            ("file",), "Le fichier dépasse 512 Kio : une réponse est bien plus courte."
        )
    if not data.strip():
        raise InvalidField(("file",), "Le fichier est vide.")
    rows = import_reply(session, event, data)
    return ReplyImport(
        imported=[ImportedReply.model_validate(r, from_attributes=True) for r in rows]
    )


@router.get("/events/{event_id}/participation")
def read_participation(event: OrganisedEventDep, session: SessionDep) -> list[HearingParticipation]:
    """Les auditions publiées, les personnes conviées et leur réponse à l'invitation."""
    return [HearingParticipation.model_validate(h) for h in participation(session, event)]
