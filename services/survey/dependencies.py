"""Lookups and permissions shared by the survey's routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.common.auth.dependencies import OptionalPrincipal, require
from services.common.auth.principal import Principal
from services.common.database import SessionDep
from services.common.errors import NotFound, Unauthorized
from services.common.pagination import RowId
from services.survey.answering import Respondent, respondent
from services.survey.models import Campaign, Questionnaire, QuestionnaireStatus

ANALYST = "analyst"
Analyst = Annotated[Principal, Depends(require(role=ANALYST))]


def is_analyst(principal: Principal | None) -> bool:
    return principal is not None and principal.has_role(ANALYST)


def visible_campaign(
    session: SessionDep, campaign_id: RowId, principal: OptionalPrincipal
) -> Campaign:
    """A published campaign; analysts also see drafts."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or not (campaign.published or is_analyst(principal)):
        raise NotFound(f"Aucune campagne publiée n° {campaign_id}.")
    return campaign


def analysed_campaign(session: SessionDep, campaign_id: RowId, _analyst: Analyst) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound(f"Aucune campagne n° {campaign_id}.")
    return campaign


def visible_questionnaire(
    session: SessionDep, questionnaire_id: RowId, principal: OptionalPrincipal
) -> Questionnaire:
    """A published questionnaire version; analysts also see drafts."""
    row = session.get(Questionnaire, questionnaire_id)
    if row is None or not (row.status == QuestionnaireStatus.PUBLISHED or is_analyst(principal)):
        raise NotFound(f"Aucun questionnaire publié n° {questionnaire_id}.")
    return row


VisibleCampaignDep = Annotated[Campaign, Depends(visible_campaign)]
AnalysedCampaignDep = Annotated[Campaign, Depends(analysed_campaign)]
VisibleQuestionnaireDep = Annotated[Questionnaire, Depends(visible_questionnaire)]

_link = HTTPBearer(
    auto_error=False,
    scheme_name="LienPersonnel",
    description="Le jeton du lien personnel reçu par courriel (partie après # de l'adresse).",
)


async def link_token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_link)],
) -> str:
    if credentials is None:
        raise Unauthorized("Le jeton du lien personnel est requis (en-tête Authorization: Bearer).")
    return credentials.credentials


def current_respondent(
    session: SessionDep, token: Annotated[str, Depends(link_token)]
) -> Respondent:
    return respondent(session.connection(), token)


LinkTokenDep = Annotated[str, Depends(link_token)]
RespondentDep = Annotated[Respondent, Depends(current_respondent)]
