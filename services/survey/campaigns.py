"""Rules on campaigns: when they are open, which ones the public sees."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from services.survey.models import Campaign, CampaignPublic, CampaignStatus

PARIS = ZoneInfo("Europe/Paris")


def today_in_paris(now: datetime) -> date:
    """Campaign dates are French calendar days, whatever the server's time zone."""
    return now.astimezone(PARIS).date()


def status_on(campaign: Campaign, *, day: date) -> CampaignStatus:
    if day < campaign.opens_on:
        return CampaignStatus.UPCOMING
    if day > campaign.closes_on:
        return CampaignStatus.CLOSED
    return CampaignStatus.OPEN


def public_view(campaign: Campaign, *, day: date) -> CampaignPublic:
    return CampaignPublic.model_validate(
        {**campaign.model_dump(), "status": status_on(campaign, day=day)}
    )


def published_campaigns() -> SelectOfScalar[Campaign]:
    """Published campaigns, the most recently opened first."""
    return (
        select(Campaign)
        .where(col(Campaign.published).is_(True))
        .order_by(col(Campaign.opens_on).desc(), col(Campaign.id).desc())
    )
