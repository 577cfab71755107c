"""The observatory, public: participation, disclosure-controlled results (JSON or CSV), the
methodology note; and, through a personal link, a local authority's comparison with its peers.

Nothing here returns a respondent's answer to anyone but that respondent: results come only
from `observatory.publish`, after disclosure control, whatever the parameters.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from services.common.auth.dependencies import OptionalPrincipal
from services.common.database import SessionDep
from services.common.downloads import attachment
from services.common.errors import Conflict, NotFound, ProblemError
from services.common.licences import open_licence
from services.survey import invitations
from services.survey.campaigns import french_day
from services.survey.dependencies import RespondentDep, VisibleCampaignDep, is_analyst
from services.survey.models import Campaign
from services.survey.observatory import export, items, methodology, peers, publish
from services.survey.observatory.frame import frame_size
from services.survey.observatory.standards import Interval
from services.survey.observatory.units import UNPUBLISHED
from services.survey.participation import participation
from services.survey.questionnaires import store
from services.survey.schemas import ItemRate, PublicParticipation

router = APIRouter(prefix="/campaigns/{campaign_id}", tags=["observatoire"])
peers_router = APIRouter(prefix="/answering", tags=["réponse"])

Breakdown = Literal["national", "kind", "band", "region", "kind_band"]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "Campagne inconnue"}}


class NotPublished(ProblemError):
    status = 422
    slug = "not-published"


def _parsed(session: SessionDep, campaign: Campaign) -> store.Parsed:
    if campaign.questionnaire_id is None:
        raise Conflict("Cette campagne n'a pas de questionnaire.")
    return store.published(session.connection(), campaign.questionnaire_id)


@router.get("/participation", responses=NOT_FOUND)
def read_participation(
    campaign: VisibleCampaignDep, session: SessionDep, principal: OptionalPrincipal
) -> PublicParticipation:
    """Participation en direct : invitées, commencées, envoyées (par type et taille, région,
    département) et taux de réponse ; le taux de réponse de chaque question paraît à la
    clôture, pour les questions posées à au moins k répondants."""
    assert campaign.id is not None
    if is_analyst(principal):
        invitations.refresh_bounces(session, campaign.id)
    parsed = _parsed(session, campaign)
    connection = session.connection()
    figures = participation(session, campaign.id)
    population = frame_size(connection, campaign.id)
    closed = publish.is_closed(campaign)
    rates = items.public_rates(
        items.item_rates(connection, campaign.id, parsed, publish.stamp(connection, campaign)),
        k=campaign.disclosure_threshold,
    )
    if not closed:
        # Live, only the questions whose showing reads no answer: for a conditional one, two
        # successive rates would tell what the latest respondent answered before it.
        live = items.shown_regardless_of_answers(parsed)
        rates = [item for item in rates if item["key"] in live]
    return PublicParticipation(
        **figures.model_dump(),
        population=population,
        respondents_rate=figures.total.submitted / population if population else None,
        items=[ItemRate(**item) for item in rates],
        items_message=None if closed else _conditional_later(campaign),
    )


def _conditional_later(campaign: Campaign) -> str:
    return (
        "En direct, le taux des questions posées à toutes les collectivités (ou selon leur "
        "type) ; celui des questions posées selon une réponse antérieure paraîtra à la "
        f"clôture, après le {french_day(campaign.closes_on)} : publié en cours de "
        "campagne, il révélerait ce qu'a répondu la dernière collectivité à répondre."
    )


@router.get(
    "/results",
    responses={
        **NOT_FOUND,
        200: {"content": {"application/json": {}, "text/csv": {}}},
        422: {"description": "Ventilation inconnue, ou question à réponse libre"},
    },
)
def read_results(
    campaign: VisibleCampaignDep,
    session: SessionDep,
    breakdown: Annotated[Breakdown, Query(description="Ventilation des résultats.")] = "national",
    question: Annotated[
        str | None, Query(max_length=130, description="Une seule question (sa clé).")
    ] = None,
    format: Annotated[Literal["json", "csv"], Query()] = "json",
    interval: Annotated[
        Interval,
        Query(
            description="Intervalle de confiance des proportions : Korn-Graubard (par défaut, "
            "exact près de 0 et 100 %) ou logit (comme R svyciprop et samplics)."
        ),
    ] = "korn-graubard",
) -> Response:
    """Résultats pondérés de chaque question fermée, avec intervalle de confiance, effectifs et
    secret statistique (cellules masquées), nationaux ou ventilés. Licence Ouverte 2.0."""
    parsed = _parsed(session, campaign)
    result = publish.results_for(session.connection(), campaign, parsed, breakdown, interval)
    if question is not None:
        result = {**result, "questions": _one(parsed, result, question)}
    licence = open_licence()
    if format == "csv":
        suffix = "" if interval == "korn-graubard" else f"-{interval}"
        name = f"observatoire-{campaign.slug}-{breakdown}{suffix}.csv"
        return Response(
            export.as_csv(result),
            media_type="text/csv; charset=utf-8",
            headers={**attachment(name), **licence.link_header()},
        )
    return Response(
        publish.as_json({**result, **licence.fields()}),
        media_type="application/json",
        headers=licence.link_header(),
    )


def _one(parsed: store.Parsed, result: dict[str, Any], key: str) -> list[dict[str, Any]]:
    flat = parsed.by_key.get(key)
    if flat is None:
        raise NotFound(f"Aucune question « {key[:63]} » dans ce questionnaire.")
    if flat.question is None or flat.type in UNPUBLISHED:
        reason = UNPUBLISHED.get(flat.type, UNPUBLISHED["text"])
        raise NotPublished(f"La question « {key} » n'est pas publiée. {reason}")
    return [item for item in result["questions"] if item["question"] == key]


@router.get("/methodology", responses=NOT_FOUND)
def read_methodology(campaign: VisibleCampaignDep, session: SessionDep) -> dict[str, Any]:
    """La note méthodologique de la campagne : base de sondage, strates, pondération,
    intervalles, secret statistique, limites."""
    parsed = _parsed(session, campaign)
    if not publish.is_closed(campaign):
        return {**methodology.note(campaign, None), "message": publish.not_yet(campaign)}
    computed = publish.computed(session.connection(), campaign, parsed)
    return {**methodology.note(campaign, computed.prepared), "message": None}


@peers_router.get(
    "/comparison",
    responses={404: {"description": "Lien inconnu"}, 409: {"description": "Réponse non envoyée"}},
)
def compare_with_peers(who: RespondentDep, session: SessionDep) -> dict[str, Any]:
    """Vos réponses à côté de celles de vos pairs (même type, même taille), sous le même
    secret statistique que les résultats publics."""
    campaign = session.get(Campaign, who.campaign.id)
    if campaign is None:
        raise NotFound("Campagne inconnue.")
    return peers.comparison(session.connection(), who, campaign, _parsed(session, campaign))
