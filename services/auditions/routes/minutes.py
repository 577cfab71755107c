"""The minutes of a hearing, written by organisers (published ones show on the agenda)."""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlmodel import Session, select

from services.auditions.dependencies import HearingDep
from services.auditions.models import Minutes
from services.auditions.schemas.hearings import MinutesIn, MinutesView
from services.common.database import SessionDep
from services.common.sql import utcnow
from services.common.versions import RequiredVersion, set_etag

router = APIRouter(tags=["préparation"])


def _minutes(session: Session, hearing_id: int) -> Minutes:
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
    set_etag(response, minutes.version)
    return MinutesView.model_validate(minutes, from_attributes=True)


@router.put(
    "/events/{event_id}/hearings/{hearing_id}/minutes",
)
def write_minutes(
    hearing: HearingDep,
    body: MinutesIn,
    session: SessionDep,
    response: Response,
    expected: RequiredVersion,
) -> MinutesView:
    """Écrit le compte rendu : brouillon, validé ou publié (publié : visible sur l'agenda)."""
    assert hearing.id is not None
    minutes = _minutes(session, hearing.id)
    expected.check(minutes.version, what="La fiche du compte rendu")
    minutes.body, minutes.status = body.body, body.status
    minutes.updated_at = utcnow()
    minutes.version += 1
    session.flush()
    set_etag(response, minutes.version)
    return MinutesView.model_validate(minutes, from_attributes=True)
