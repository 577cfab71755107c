"""HTTP routes of the survey service."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from services.common.database import SessionDep
from services.common.pagination import Page, PageQuery, paginate
from services.common.sql import utcnow
from services.survey import campaigns
from services.survey.dependencies import PublishedCampaignDep
from services.survey.models import CampaignPublic

router = APIRouter(prefix="/campaigns", tags=["campagnes"])


@router.get("")
def list_campaigns(
    session: SessionDep, query: Annotated[PageQuery, Query()]
) -> Page[CampaignPublic]:
    """Campagnes d'observation publiées, la plus récente d'abord."""
    day = campaigns.today_in_paris(utcnow())
    return paginate(
        session,
        campaigns.published_campaigns(),
        query=query,
        view=lambda campaign: campaigns.public_view(campaign, day=day),
    )


@router.get("/{campaign_id}", responses={404: {"description": "Campagne inconnue"}})
def read_campaign(campaign: PublishedCampaignDep) -> CampaignPublic:
    """Une campagne publiée."""
    return campaigns.public_view(campaign, day=campaigns.today_in_paris(utcnow()))
