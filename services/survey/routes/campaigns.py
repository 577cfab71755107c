"""Campaigns: the public list and page, and what analysts create."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import Field, model_validator
from slugify import slugify
from sqlmodel import col, select

from services.common.auth.dependencies import OptionalPrincipal
from services.common.database import SessionDep
from services.common.errors import BadRequest, Conflict
from services.common.pagination import MAX_ROW_ID, Page, PageQuery, paginate
from services.common.sql import utcnow
from services.common.text import InputModel
from services.survey import campaigns
from services.survey.campaigns import BANDS, TARGET_KINDS
from services.survey.dependencies import Analyst, VisibleCampaignDep, is_analyst
from services.survey.models import Campaign, CampaignPublic, Questionnaire, QuestionnaireStatus
from services.survey.observatory import frame

router = APIRouter(prefix="/campaigns", tags=["campagnes"])

TargetKind = Literal["commune", "epci", "departement", "region"]
Band = Literal["0-499", "500-1999", "2000-9999", "10000-49999", "50000-199999", "200000+"]
assert set(TargetKind.__args__) == set(TARGET_KINDS)  # type: ignore[attr-defined]
assert set(Band.__args__) == {code for code, _, _ in BANDS}  # type: ignore[attr-defined]


class Target(InputModel):
    """Who is asked; an empty list means no restriction on that criterion."""

    kinds: list[TargetKind] = Field(default_factory=list, max_length=4)
    regions: list[Annotated[str, Field(pattern=r"^[0-9]{2,3}$")]] = Field(
        default_factory=list, max_length=30
    )
    population_bands: list[Band] = Field(default_factory=list, max_length=6)


class CampaignCreate(InputModel):
    title: str = Field(min_length=3, max_length=200)
    description: str = Field("", max_length=4000)
    opens_on: date
    closes_on: date
    questionnaire_id: int = Field(ge=1, le=MAX_ROW_ID)
    target: Target = Field(default_factory=Target)
    published: bool = True
    disclosure_threshold: int = Field(
        5,
        ge=3,
        le=50,
        description="Secret statistique : aucune cellule publiée sous ce nombre de répondants.",
    )

    @model_validator(mode="after")
    def _dates(self) -> CampaignCreate:
        if self.closes_on < self.opens_on:
            raise ValueError("la date de clôture précède la date d'ouverture")
        return self


def _view(campaign: Campaign) -> CampaignPublic:
    return campaigns.public_view(campaign, day=campaigns.today_in_paris(utcnow()))


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
