"""HTTP routes of the survey service."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from services.common.database import SessionDep
from services.common.errors import NotFound
from services.common.pagination import Page, PageQuery, RowId
from services.common.sql import utcnow
from services.survey import campaigns
from services.survey.models import Campaign, CampaignPublic

router = APIRouter(prefix="/campaigns", tags=["campagnes"])


@router.get("")
def list_campaigns(
    session: SessionDep, query: Annotated[PageQuery, Query()]
) -> Page[CampaignPublic]:
    """Campagnes d'observation publiées, la plus récente d'abord."""
    items, total = campaigns.published_campaigns(session, limit=query.limit, offset=query.offset)
    day = campaigns.today_in_paris(utcnow())
    return Page(
        items=[campaigns.public_view(item, day=day) for item in items],
        total=total,
        limit=query.limit,
        offset=query.offset,
    )


@router.get("/{campaign_id}", responses={404: {"description": "Campagne inconnue"}})
def read_campaign(session: SessionDep, campaign_id: RowId) -> CampaignPublic:
    """Une campagne publiée."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or not campaign.published:
        raise NotFound(f"Aucune campagne publiée n° {campaign_id}.")
    return campaigns.public_view(campaign, day=campaigns.today_in_paris(utcnow()))
