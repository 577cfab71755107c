"""Rules on campaigns: when they are open, which ones the public sees."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

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


def published_campaigns(
    session: Session, *, limit: int, offset: int
) -> tuple[Sequence[Campaign], int]:
    """Published campaigns, the most recently opened first."""
    published = col(Campaign.published).is_(True)
    total = session.exec(select(func.count()).select_from(Campaign).where(published)).one()
    page = session.exec(
        select(Campaign)
        .where(published)
        .order_by(col(Campaign.opens_on).desc(), col(Campaign.id).desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return page, total
