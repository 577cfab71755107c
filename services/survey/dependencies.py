"""Lookups shared by the survey's routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from services.common.database import SessionDep
from services.common.errors import NotFound
from services.common.pagination import RowId
from services.survey.models import Campaign


def published_campaign(session: SessionDep, campaign_id: RowId) -> Campaign:
    """A published campaign; drafts are invisible to the public."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or not campaign.published:
        raise NotFound(f"Aucune campagne publiée n° {campaign_id}.")
    return campaign


PublishedCampaignDep = Annotated[Campaign, Depends(published_campaign)]
