"""The survey API's request and response models, and the functions that build a response
model from rows. The tables are in `models.py`; nothing else declares a model of the API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, computed_field, model_validator

from services.common.pagination import MAX_ROW_ID, PageQuery
from services.common.text import InputModel
from services.survey import campaigns
from services.survey.campaigns import BANDS, TARGET_KINDS
from services.survey.models import (
    Campaign,
    CampaignBase,
    CampaignStatus,
    Invitation,
    InvitationStatus,
    Questionnaire,
)

# Campaigns


class CampaignPublic(CampaignBase):
    id: int
    slug: str
    status: CampaignStatus
    questionnaire_id: int | None = None
    # The end of the closing day in Paris, as an instant.
    closes_at: datetime
    target: dict[str, Any] | None = None
    # The demo campaign's responses are generated (seed.py): its figures describe no one.
    is_demo: bool = False


def public_view(campaign: Campaign, *, day: date) -> CampaignPublic:
    return CampaignPublic.model_validate(
        {
            **campaign.model_dump(),
            "status": campaigns.status_on(campaign, day=day),
            "closes_at": campaigns.closes_at(campaign),
            "is_demo": campaign.slug == campaigns.DEMO_RESULTS,
        }
    )


TargetKind = Literal["commune", "epci", "departement", "region"]


Band = Literal["0-499", "500-1999", "2000-9999", "10000-49999", "50000-199999", "200000+"]


assert set(TargetKind.__args__) == set(TARGET_KINDS)  # type: ignore[attr-defined]


assert set(Band.__args__) == {code for code, _, _ in BANDS}  # type: ignore[attr-defined]


class Target(InputModel):
    """Who is asked; an empty list means no restriction on that criterion."""

    kinds: list[TargetKind] = Field(default_factory=list, max_length=4)
    regions: list[Annotated[str, Field(pattern=r"^[0-9]{2,3}$", max_length=3)]] = Field(
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


# Questionnaires


class QuestionnaireSummary(BaseModel):
    id: int
    key: str
    version: str
    title: str
    status: str
    created_at: datetime
    published_at: datetime | None


class QuestionnaireOut(QuestionnaireSummary):
    definition: dict[str, Any]


def summary(row: Questionnaire) -> QuestionnaireSummary:
    return QuestionnaireSummary.model_validate(row.model_dump())


def full(row: Questionnaire) -> QuestionnaireOut:
    return QuestionnaireOut.model_validate(row.model_dump())


# Answering (the respondent's private link)


class LocalAuthority(BaseModel):
    code: str
    name: str
    kind: str
    population: int | None
    region: str | None
    region_name: str | None
    departement: str | None
    departement_name: str | None


class CampaignBrief(BaseModel):
    id: int
    title: str
    opens_on: str
    closes_on: str
    closes_at: datetime
    status: str


class StoredAnswer(BaseModel):
    value: Any
    revision: int
    author: str
    updated_at: str | None = None


class ResponseState(BaseModel):
    campaign: CampaignBrief
    local_authority: LocalAuthority
    questionnaire_id: int
    definition: dict[str, Any]
    status: str
    revision: int
    answers: dict[str, StoredAnswer]
    progress: dict[str, int]


class AnswersIn(InputModel):
    answers: dict[str, Any] = Field(
        max_length=300, description="Réponses par clé de question ; null efface."
    )
    seen: dict[str, int] = Field(
        default_factory=dict,
        max_length=300,
        description="Révision de chaque réponse que l'agent avait sous les yeux.",
    )
    author: str = Field(
        "agent", min_length=1, max_length=64, description="Étiquette de l'onglet qui saisit."
    )


class SaveOut(BaseModel):
    revision: int
    saved: dict[str, int]
    discarded: list[str]
    replaced: list[dict[str, Any]]


class Changes(BaseModel):
    revision: int
    answers: dict[str, StoredAnswer]


class Submitted(BaseModel):
    status: str
    submitted_at: datetime


# Analysis: invitations, reminders, history


class InvitationsIn(InputModel):
    csv: str = Field(
        min_length=1, max_length=900_000, description="Lignes « code;adresse[;adresse…] »."
    )
    send: bool = Field(
        True, description="Envoyer aussitôt le lien aux collectivités pas encore invitées."
    )


class InvitationsOut(BaseModel):
    created: int
    updated: int
    sent: int


class Count(BaseModel):
    count: int


class InvitationView(BaseModel):
    id: int
    code: str
    name: str
    kind: str
    region: str | None
    departement: str | None
    emails: list[str]
    status: str
    sent_at: datetime | None
    opened_at: datetime | None
    started_at: datetime | None
    submitted_at: datetime | None
    reminders_sent: int


class InvitationQuery(PageQuery):
    status: InvitationStatus | None = None


class HistoryEntry(BaseModel):
    key: str
    value: Any
    previous: Any
    author: str
    revision: int
    at: datetime


def invitation_view(row: Invitation) -> InvitationView:
    return InvitationView.model_validate({**row.model_dump(), "emails": (row.emails or "").split()})


# Participation and the observatory


class Cell(BaseModel):
    key: str
    label: str
    invited: int
    started: int
    submitted: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def response_rate(self) -> float | None:
        """Submitted among invited (null while nobody is invited)."""
        return self.submitted / self.invited if self.invited else None


class Participation(BaseModel):
    total: Cell
    by_kind_and_band: list[Cell]
    by_region: list[Cell]
    by_departement: list[Cell]


class ItemRate(BaseModel):
    """A question's response rate, as a whole percent: never the counts behind it (who was
    shown a conditional question is the count of an earlier answer)."""

    key: str
    label: str
    rate: float | None


class PublicParticipation(Participation):
    respondents_rate: float | None
    population: int
    items: list[ItemRate]
    items_message: str | None
