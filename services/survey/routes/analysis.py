"""What analysts do with a campaign: invite, remind, follow participation, export, read history."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from services.common.database import SessionDep
from services.common.downloads import attachment
from services.common.errors import Conflict, NotFound
from services.common.pagination import Page, RowId, paginate
from services.common.rate_limits import per_principal
from services.survey import exports, invitations
from services.survey.answering import event_t
from services.survey.dependencies import AnalysedCampaignDep, Analyst, SettingsDep
from services.survey.models import Campaign, Invitation, InvitationStatus
from services.survey.questionnaires import store
from services.survey.schemas import (
    Count,
    HistoryEntry,
    InvitationQuery,
    InvitationsIn,
    InvitationsOut,
    InvitationView,
    invitation_view,
)

router = APIRouter(prefix="/campaigns/{campaign_id}", tags=["analyse"])
history_router = APIRouter(prefix="/invitations", tags=["analyse"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _parsed(session: SessionDep, campaign: Campaign) -> store.Parsed:
    if campaign.questionnaire_id is None:
        raise Conflict("Cette campagne n'a pas de questionnaire.")
    return store.published(session.connection(), campaign.questionnaire_id)


@router.post(
    "/invitations",
    responses={422: {"description": "Fichier invalide"}},
    dependencies=[Depends(per_principal())],
)
def import_invitations(
    body: InvitationsIn,
    campaign: AnalysedCampaignDep,
    session: SessionDep,
    settings: SettingsDep,
) -> InvitationsOut:
    """Importe des invitations (code de la collectivité et adresses) et envoie les liens."""
    _parsed(session, campaign)
    rows = invitations.read_csv(body.csv, campaign)
    ids, created = invitations.import_rows(session, campaign, rows)
    sent = 0
    if body.send:
        waiting = session.exec(
            select(Invitation).where(
                col(Invitation.id).in_(ids), col(Invitation.status) == InvitationStatus.PENDING
            )
        ).all()
        sent = invitations.send(session, settings.mail, campaign, waiting, reminder=False)
    return InvitationsOut(created=created, updated=len(ids) - created, sent=sent)


@router.post("/invitations/population")
def invite_population(campaign: AnalysedCampaignDep, session: SessionDep) -> Count:
    """Invite toute la population visée (sans adresse : à compléter par un import)."""
    _parsed(session, campaign)
    return Count(count=invitations.invite_population(session, campaign))


@router.get("/invitations")
def list_invitations(
    campaign: AnalysedCampaignDep, session: SessionDep, query: Annotated[InvitationQuery, Query()]
) -> Page[InvitationView]:
    """Les invitations et leur état (en attente, envoyée, ouverte, commencée, envoyée, rejetée)."""
    assert campaign.id is not None
    invitations.refresh_bounces(session, campaign.id)
    statement = select(Invitation).where(col(Invitation.campaign_id) == campaign.id)
    if query.status is not None:
        statement = statement.where(col(Invitation.status) == query.status)
    return paginate(
        session,
        statement.order_by(col(Invitation.name), col(Invitation.id)),
        query=query,
        view=invitation_view,
    )


@router.post("/reminders", dependencies=[Depends(per_principal())])
def send_reminders(
    campaign: AnalysedCampaignDep, session: SessionDep, settings: SettingsDep
) -> Count:
    """Relance les collectivités invitées qui n'ont pas encore envoyé leur réponse."""
    assert campaign.id is not None
    waiting = session.exec(
        select(Invitation).where(
            col(Invitation.campaign_id) == campaign.id,
            col(Invitation.status).in_(invitations.WAITING),
        )
    ).all()
    return Count(count=invitations.send(session, settings.mail, campaign, waiting, reminder=True))


@router.get(
    "/export",
    responses={200: {"content": {"text/csv": {}, XLSX: {}, "application/json": {}}}},
    # Raw answers leave the service here: each download is written to the audit log.
    openapi_extra={"x-audit": True},
)
def export_responses(
    campaign: AnalysedCampaignDep,
    session: SessionDep,
    format: Annotated[Literal["csv", "xlsx", "json", "codebook"], Query()] = "xlsx",
) -> Response:
    """Réponses brutes (CSV, XLSX avec son codebook, ou JSON), ou le codebook seul en CSV."""
    assert campaign.id is not None
    parsed = _parsed(session, campaign)
    name = f"reponses-{campaign.slug or campaign.id}"
    if format == "xlsx":
        content, media, file = exports.as_xlsx(session, parsed, campaign.id), XLSX, f"{name}.xlsx"
    elif format == "json":
        content, media, file = (
            exports.as_json(session, parsed, campaign.id),
            "application/json",
            f"{name}.json",
        )
    elif format == "csv":
        content, media, file = (
            exports.as_csv(session, parsed, campaign.id),
            "text/csv; charset=utf-8",
            f"{name}.csv",
        )
    else:
        content, media, file = (
            exports.codebook_csv(parsed),
            "text/csv; charset=utf-8",
            f"codebook-{campaign.id}.csv",
        )
    return Response(content, media_type=media, headers=attachment(file))


@history_router.get(
    "/{invitation_id}/history", responses={404: {"description": "Réponse inconnue"}}
)
def response_history(
    invitation_id: RowId, session: SessionDep, _analyst: Analyst
) -> list[HistoryEntry]:
    """L'historique des modifications d'une réponse, de la plus ancienne à la plus récente."""
    if session.get(Invitation, invitation_id) is None:
        raise NotFound(f"Aucune réponse n° {invitation_id}.")
    rows = session.connection().execute(
        sa_select(event_t).where(event_t.c.invitation_id == invitation_id).order_by(event_t.c.id)
    )
    return [HistoryEntry.model_validate(row._mapping) for row in rows]
