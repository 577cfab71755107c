"""Attachments of a hearing (written contributions, slides): internal or public."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Response, UploadFile
from sqlmodel import col, select

from services.auditions.dependencies import HearingDep, PublishedEventDep
from services.auditions.models import Hearing, HearingAttachment
from services.auditions.schemas.common import Visibility
from services.auditions.schemas.hearings import AttachmentView
from services.common import downloads
from services.common.body_limits import upload_limit
from services.common.database import SessionDep
from services.common.errors import InvalidField, NotFound
from services.common.pagination import RowId

router = APIRouter(tags=["pièces jointes"])

MAX_BYTES = 5 * 1024 * 1024
# The types accepted, and the extension each download keeps (so it opens with the right program).
EXTENSIONS = {
    "application/pdf": ".pdf",
    "text/plain": ".txt",
    "text/markdown": ".md",
    "application/vnd.oasis.opendocument.text": ".odt",
}
ALLOWED_TYPES = set(EXTENSIONS)


@router.post(
    "/events/{event_id}/hearings/{hearing_id}/attachments",
    status_code=201,
    openapi_extra=upload_limit(MAX_BYTES),
    responses={413: {"description": "Fichier de plus de 5 Mo"}},
)
async def add_attachment(
    hearing: HearingDep,
    session: SessionDep,
    file: Annotated[UploadFile, File(description="PDF, texte ou ODT, 5 Mo au plus.")],
    visibility: Annotated[Visibility, Form()] = "internal",
) -> AttachmentView:
    """Joint une contribution écrite ou un document à une audition (organisateurs)."""
    assert hearing.id is not None
    content_type = (file.content_type or "").split(";")[0].strip()
    if content_type not in ALLOWED_TYPES:
        raise InvalidField(("file",), "Formats acceptés : PDF, texte, Markdown, ODT.")
    data = await file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise InvalidField(("file",), "Le fichier dépasse 5 Mo.")
    name = (file.filename or "document").replace("/", "_").replace("\\", "_")[:200]
    attachment = HearingAttachment(
        hearing_id=hearing.id,
        filename=name,
        content_type=content_type,
        data=data,
        visibility=visibility,
    )
    session.add(attachment)
    session.flush()
    return AttachmentView.model_validate(attachment, from_attributes=True)


@router.get("/events/{event_id}/hearings/{hearing_id}/attachments")
def list_attachments(hearing: HearingDep, session: SessionDep) -> list[AttachmentView]:
    """Les pièces jointes d'une audition, internes comprises (organisateurs)."""
    rows = session.exec(
        select(HearingAttachment)
        .where(HearingAttachment.hearing_id == hearing.id)
        .order_by(col(HearingAttachment.id))
    ).all()
    return [AttachmentView.model_validate(a, from_attributes=True) for a in rows]


@router.get("/events/{event_id}/attachments")
def public_attachments(event: PublishedEventDep, session: SessionDep) -> list[AttachmentView]:
    """Les pièces jointes publiques des auditions de l'événement."""
    rows = session.exec(
        select(HearingAttachment)
        .join(Hearing, col(Hearing.id) == col(HearingAttachment.hearing_id))
        .where(Hearing.event_id == event.id, HearingAttachment.visibility == "public")
        .order_by(col(HearingAttachment.id))
    ).all()
    return [AttachmentView.model_validate(a, from_attributes=True) for a in rows]


@router.get(
    "/events/{event_id}/attachments/{attachment_id}",
    response_class=Response,
    responses={
        200: {"content": {"application/octet-stream": {}}},
        404: {"description": "Inconnue"},
    },
)
def download_attachment(
    event: PublishedEventDep, attachment_id: RowId, session: SessionDep
) -> Response:
    """Télécharge une pièce jointe publique."""
    attachment = session.get(HearingAttachment, attachment_id)
    hearing = session.get(Hearing, attachment.hearing_id) if attachment else None
    if (
        attachment is None
        or hearing is None
        or hearing.event_id != event.id
        or attachment.visibility != "public"
    ):
        raise NotFound("Pièce jointe inconnue.")
    # Served as a download under its own name, never rendered by the browser in the site's
    # origin (services.common.downloads).
    return Response(
        attachment.data,
        media_type=attachment.content_type,
        headers=downloads.attachment(_with_extension(attachment)),
    )


def _with_extension(attachment: HearingAttachment) -> str:
    """The name it was sent with, ending with the extension of its type."""
    extension = EXTENSIONS.get(attachment.content_type, "")
    name = attachment.filename or f"piece-jointe-{attachment.id}"
    return name if name.lower().endswith(extension) else name + extension
