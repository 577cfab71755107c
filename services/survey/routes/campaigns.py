"""Campaigns: the public list and page, and what analysts create."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from slugify import slugify
from sqlmodel import col, select

from services.common.auth.dependencies import OptionalPrincipal
from services.common.database import SessionDep
from services.common.errors import BadRequest, Conflict
from services.common.pagination import Page, PageQuery, paginate
from services.common.sql import utcnow
from services.survey import campaigns
from services.survey.dependencies import Analyst, VisibleCampaignDep, is_analyst
from services.survey.models import Campaign, Questionnaire, QuestionnaireStatus
from services.survey.observatory import frame
from services.survey.schemas import CampaignCreate, CampaignPublic, public_view

router = APIRouter(prefix="/campaigns", tags=["campagnes"])


def _view(campaign: Campaign) -> CampaignPublic:
    return public_view(campaign, day=campaigns.today_in_paris(utcnow()))


@router.get("")
def list_campaigns(
    session: SessionDep, query: Annotated[PageQuery, Query()], principal: OptionalPrincipal
) -> Page[CampaignPublic]:
    """Campagnes d'observation publiées, la plus récente d'abord (les analystes voient aussi les brouillons)."""
    statement = campaigns.listed_campaigns(with_drafts=is_analyst(principal))
    return paginate(session, statement, query=query, view=_view)


@router.get("/{campaign_id}", responses={404: {"description": "Campagne inconnue"}})
def read_campaign(campaign: VisibleCampaignDep) -> CampaignPublic:
    """Une campagne publiée."""
    return _view(campaign)


@router.post(
    "",
    status_code=201,
    responses={
        400: {"description": "Questionnaire inconnu"},
        409: {"description": "Questionnaire non publié"},
    },
)
def create_campaign(body: CampaignCreate, session: SessionDep, _analyst: Analyst) -> CampaignPublic:
    """Crée une campagne sur une version publiée d'un questionnaire (rôle analyste)."""
    questionnaire = session.get(Questionnaire, body.questionnaire_id)
    if questionnaire is None:
        raise BadRequest(f"Aucun questionnaire n° {body.questionnaire_id}.")
    if questionnaire.status != QuestionnaireStatus.PUBLISHED:
        raise Conflict("Une campagne ne peut utiliser qu'une version publiée du questionnaire.")
    slug = slugify(body.title, max_length=200) or "campagne"
    if session.exec(select(Campaign.id).where(col(Campaign.slug) == slug)).first() is not None:
        slug = f"{slug}-{utcnow():%Y%m%d%H%M%S%f}"
    target = body.target.model_dump()
    campaign = Campaign(
        title=body.title,
        description=body.description,
        opens_on=body.opens_on,
        closes_on=body.closes_on,
        questionnaire_id=body.questionnaire_id,
        target=target if any(target.values()) else None,
        published=body.published,
        disclosure_threshold=body.disclosure_threshold,
        slug=slug,
    )
    session.add(campaign)
    session.flush()
    assert campaign.id is not None
    frame.freeze(session.connection(), campaign.id, campaign.target)
    return _view(campaign)
