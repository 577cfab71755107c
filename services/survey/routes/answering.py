"""Answering through a personal link: the token travels in `Authorization: PrivateLink`, taken
by the page from its address fragment, so it never appears in an address a server logs.

This module loads neither the observatory nor NumPy/SciPy: the observatory's counts follow a
submitted response through `answering.on_submitted_answers` (see `observatory.tallies`)."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from services.common.database import EngineDep, SessionDep
from services.common.errors import problem_response
from services.common.header_text import header_text
from services.common.mail import enqueue_mail
from services.common.private_links import LinkToken
from services.common.sql import utcnow
from services.common.territories.search import get_index
from services.survey import answering, campaigns, receipts
from services.survey.dependencies import (
    RespondentDep,
    SettingsDep,
    WriterSessionDep,
)
from services.survey.models import Invitation, outbox
from services.survey.questionnaires import store
from services.survey.rules import Invalid, progress
from services.survey.schemas import (
    AnswersIn,
    CampaignBrief,
    Changes,
    LocalAuthority,
    ResponseState,
    SaveOut,
    StoredAnswer,
    Submitted,
)
from services.survey.settings import SurveySettings
from services.survey.writes import writing

router = APIRouter(prefix="/answering", tags=["réponse"])

NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "Lien inconnu"}}


def _name(code: str | None, kind: str) -> str | None:
    territory = get_index().lookup(code, kind=kind) if code else None  # type: ignore[arg-type]
    return territory.name if territory else None


def _problems(errors: list[Invalid]) -> list[dict[str, Any]]:
    return [
        {"loc": ["body", "answers", e.key], "key": e.key, "type": e.code, "msg": e.message}
        for e in errors
    ]


@router.get("", responses=NOT_FOUND)
def read_response(who: RespondentDep, session: SessionDep) -> ResponseState:
    """Le questionnaire de la collectivité, son identité et les réponses déjà saisies."""
    connection = session.connection()
    parsed = store.published(session.connection(), who.campaign.questionnaire_id)
    answering.mark_opened(connection, who)
    revision, answers = answering.changes_since(connection, who.invitation_id, 0)
    status = connection.execute(
        select(answering.invitation_t.c.status).where(
            answering.invitation_t.c.id == who.invitation_id
        )
    ).scalar_one()
    values = {key: entry["value"] for key, entry in answers.items()}
    campaign = who.campaign
    return ResponseState(
        campaign=CampaignBrief(
            id=campaign.id,
            title=campaign.title,
            opens_on=campaign.opens_on.isoformat(),
            closes_on=campaign.closes_on.isoformat(),
            closes_at=campaigns.closes_at(campaign),
            status=campaigns.status_on(campaign, day=campaigns.today_in_paris(utcnow())),
        ),
        local_authority=LocalAuthority(
            code=who.code,
            name=who.name,
            kind=who.org["kind"],
            population=who.org["population"],
            region=who.org["region"],
            region_name=_name(who.org["region"], "region"),
            departement=who.org["departement"],
            departement_name=_name(who.org["departement"], "departement"),
        ),
        questionnaire_id=campaign.questionnaire_id,
        definition=parsed.document,
        status=status,
        revision=revision,
        answers={key: StoredAnswer(**entry) for key, entry in answers.items()},
        progress=progress(parsed.flats, values, who.org),
    )


@router.patch(
    "/answers",
    responses={
        **NOT_FOUND,
        409: {"description": "Campagne close"},
        422: {"description": "Réponses refusées (les autres sont enregistrées)"},
    },
)
async def save_answers(body: AnswersIn, token: LinkToken, engine: EngineDep) -> Any:
    """Enregistre des réponses au fil de la saisie ; une réponse refusée n'empêche pas les autres."""
    # The save runs its own short transaction (see `writes`), not the request's session.
    result = await writing(engine, partial(_save, engine, token, body))
    out = SaveOut(
        revision=result.revision,
        saved=result.saved,
        discarded=result.discarded,
        replaced=result.replaced,
    )
    if result.errors:
        # A plain response, not an exception: the valid answers are committed all the same.
        keys = ", ".join(f"« {e.key} »" for e in result.errors)
        return problem_response(
            422,
            f"Réponse refusée pour {keys} ; les autres réponses sont enregistrées.",
            slug="validation-error",
            extra={"errors": _problems(result.errors), **out.model_dump()},
        )
    return out


# The questionnaire of the last save: nearly every save answers the same one, so the next save
# guesses it to read what it needs with the claim (`answering.claim_and_read`); a wrong guess
# costs one more round trip, never a wrong answer.
_last_parsed: store.Parsed | None = None


def _save(engine: Engine, token: str, body: AnswersIn) -> answering.SaveResult:
    global _last_parsed  # one reference, replaced whole: atomic between threads
    now = utcnow()
    guess = _last_parsed
    # One transaction: a closed campaign or a refused link rolls the claim back.
    with engine.begin() as connection:
        who, revision, stored = answering.claim_and_read(
            connection, token, answering.keys_to_read(guess, body.answers), now
        )
        campaigns.ensure_open(who.campaign, now=now)
        parsed = store.published(connection, who.campaign.questionnaire_id)
        _last_parsed = parsed
        return answering.save(
            connection,
            who,
            parsed,
            body.answers,
            body.seen,
            body.author,
            revision=revision,
            now=now,
            read=(guess, stored) if guess is not None and stored is not None else None,
        )


@router.get("/changes", responses=NOT_FOUND)
def read_changes(
    who: RespondentDep, session: SessionDep, since: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0
) -> Changes:
    """Les réponses modifiées depuis une révision (par soi ou par un collègue)."""
    revision, answers = answering.changes_since(session.connection(), who.invitation_id, since)
    return Changes(
        revision=revision, answers={key: StoredAnswer(**entry) for key, entry in answers.items()}
    )


@router.post(
    "/submit",
    responses={
        **NOT_FOUND,
        409: {"description": "Campagne close"},
        422: {"description": "Réponses manquantes"},
    },
)
def submit(token: LinkToken, session: WriterSessionDep, settings: SettingsDep) -> Any:
    """Envoie la réponse ; un accusé de réception avec la copie des réponses part par courriel."""
    # The session dependency commits, still in the writers' turn; the receipt waits in the
    # outbox, which the mail worker reads only once that commit is done.
    return _submit(token, session, settings)


def _submit(token: str, session: Session, settings: SurveySettings) -> Any:
    who = answering.respondent(session.connection(), token)
    campaigns.ensure_open(who.campaign, now=utcnow())
    parsed = store.published(session.connection(), who.campaign.questionnaire_id)
    connection = session.connection()
    values = {
        key: entry[0]
        for key, entry in answering.current_answers(connection, who.invitation_id).items()
    }
    problems = answering.missing_or_invalid(parsed, values, who.org)
    if problems:
        return problem_response(
            422,
            f"{len(problems)} question(s) à compléter ou corriger avant l'envoi.",
            slug="validation-error",
            extra={"errors": _problems(problems)},
        )
    values = answering.store_calculations(connection, who, parsed, values, utcnow())
    submitted_at = answering.mark_submitted(connection, who.invitation_id, parsed)
    invitation = session.get(Invitation, who.invitation_id)
    if invitation is not None and invitation.emails:
        enqueue_mail(
            session,
            outbox,
            settings.mail,
            to=invitation.emails.split(),
            subject=(
                f"Accusé de réception : réponses de {header_text(who.name)} "
                f"à « {header_text(who.campaign.title)} »"
            ),
            text=receipts.receipt_text(parsed, who, values, campaigns.today_in_paris(submitted_at)),
            kind="survey-receipt",
            reference=f"invitation:{who.invitation_id}",
        )
    return Submitted(status="submitted", submitted_at=submitted_at)
