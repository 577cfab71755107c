"""Lookups and permissions shared by the survey's routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends
from sqlmodel import Session

from services.common.auth.dependencies import OptionalPrincipal, require
from services.common.auth.principal import Principal
from services.common.database import EngineDep, SessionDep
from services.common.errors import NotFound
from services.common.pagination import RowId
from services.common.private_links import LinkToken
from services.common.settings import settings_dependency
from services.survey.answering import Respondent, respondent
from services.survey.models import Campaign, Questionnaire, QuestionnaireStatus
from services.survey.settings import SurveySettings
from services.survey.writes import one_writer

SettingsDep = Annotated[SurveySettings, Depends(settings_dependency(SurveySettings))]


async def _writer_turn(engine: EngineDep) -> AsyncIterator[None]:
    async with one_writer(engine):
        yield


def writer_session(
    _turn: Annotated[None, Depends(_writer_turn, scope="function")], session: SessionDep
) -> Session:
    """The request's session, taken in the writers' turn (SQLite: one at a time) and committed
    by the session dependency before the turn passes: the turn is entered first, so it is left
    last."""
    return session


WriterSessionDep = Annotated[Session, Depends(writer_session)]

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


def current_respondent(session: SessionDep, token: LinkToken) -> Respondent:
    return respondent(session.connection(), token)


# The respondent presents the private link as `Authorization: PrivateLink <token>`.
RespondentDep = Annotated[Respondent, Depends(current_respondent)]
