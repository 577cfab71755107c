"""The methodology note of a campaign, written from the campaign itself: frame, strata and their
response rates, weighting, intervals, disclosure rules and the caveat on non-response."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from services.survey.campaigns import french_day
from services.survey.models import Campaign
from services.survey.observatory.frame import MIN_STRATUM_RESPONDENTS
from services.survey.observatory.standards import (
    DOMINANCE,
    MAX_CI_WIDTH,
    MIN_DF,
    MIN_EFFECTIVE_N,
    NON_ADDITIVE_UNITS,
)
from services.survey.scope import outside_frame

if TYPE_CHECKING:
    from services.survey.observatory.results import Prepared


def _percent(value: float) -> str:
    return f"{100 * value:.1f}".replace(".", ",") + " %"


def note(campaign: Campaign, prepared: Prepared | None) -> dict[str, Any]:
    source = campaign.frame_source or {}
    frozen_on = date.fromisoformat(source["frozen_on"]) if "frozen_on" in source else None
    k = campaign.disclosure_threshold
    strata: list[dict[str, Any]] = []
    respondents = population = 0
    if prepared is not None:
        weights = prepared.design.weights
        for number, label in enumerate(prepared.strata.labels):
            big_n, n = prepared.strata.population[number], prepared.strata.respondents[number]
            strata.append(
                {
                    "label": label,
                    "population": big_n,
                    "respondents": n,
                    "response_rate": n / big_n if big_n else None,
                    "weight": round(float(weights[number]), 4),
                }
            )
        respondents, population = sum(prepared.strata.respondents), sum(prepared.strata.population)
    overall = respondents / population if population else 0.0
    kish = _kish(prepared)
    scope = outside_frame()
    outside = ", ".join(item["name"] for item in scope["outside"])
    merged = ", ".join(item["name"] for item in scope["one_authority"])
    sections = [
        (
            "Base de sondage",
            [
                f"La population visée par la campagne « {campaign.title} » compte {population} "
                f"collectivités, dénombrées dans le référentiel des territoires "
                f"({source.get('package')}, version {source.get('version')})"
                + (f" le {french_day(frozen_on)}" if frozen_on else "")
                + " ; ce dénombrement est figé pour toute la campagne.",
                "Les collectivités sont réparties en strates : communes par tranche de population, "
                "EPCI par forme juridique (CC, CA, CU, métropoles), départements, régions.",
                "Chaque collectivité est comptée une fois, dans une seule strate. Le référentiel "
                "cite certaines deux fois : elles sont comptées sous une seule entrée ("
                + merged
                + ").",
                "Hors champ : les collectivités d'outre-mer à statut particulier et leurs "
                "communes, ainsi que les territoires sans population permanente ("
                + outside
                + "). Le référentiel les range à la fois parmi les départements et les régions "
                "(et les TAAF et Clipperton, sans population, parmi les communes de moins de "
                "500 habitants) ; elles ne relèvent d'aucune des strates estimées, et une "
                "ventilation qui n'en compterait qu'une révélerait ses réponses "
                f"(règle et sources : version {scope['version']} de la liste tenue par le "
                "service).",
            ],
        ),
        (
            "Participation",
            [
                f"{respondents} collectivités ont envoyé leur réponse, soit un taux de réponse de "
                f"{_percent(overall)}. Le taux de chaque strate figure dans le tableau.",
                "Le taux de réponse à une question est calculé parmi les répondants à qui elle "
                "était posée (les questions conditionnelles ne concernent qu'une partie d'entre eux).",
            ],
        ),
        (
            "Pondération",
            [
                "Chaque répondant reçoit le poids N_h / n_h de sa strate (post-stratification) : "
                "la somme des poids d'une strate égale sa population.",
                f"Une strate de moins de {MIN_STRATUM_RESPONDENTS} répondants (sauf si toutes ses "
                "collectivités ont répondu) est regroupée avec sa voisine, de même type si possible.",
                "Les ventilations (type, taille, région) sont des estimations sur domaine, par "
                "linéarisation : un domaine n'est jamais traité comme une strate.",
            ],
        ),
        (
            "Intervalles de confiance",
            [
                "Chaque proportion est accompagnée de son intervalle de confiance à 95 % de "
                "Korn-Graubard (Clopper-Pearson sur l'effectif efficace, corrigé des degrés de "
                "liberté), avec la correction de population finie : une strate où toutes les "
                "collectivités ont répondu n'apporte aucune variance.",
                "Sur demande (paramètre interval=logit des résultats), l'intervalle logit : "
                "l'estimation ± t × erreur type sur l'échelle logit, comme R (svyciprop) et "
                "samplics ; il se réduit à un point à 0 % et à 100 %, où Korn-Graubard reste "
                "informatif.",
                "Degrés de liberté : ceux du domaine, comme R (survey) le fait pour une "
                "sous-population : le nombre de répondants du domaine (ayant répondu à la "
                "question) moins le nombre de strates où ils se trouvent. Ils servent à "
                "Korn-Graubard, au logit et aux moyennes ; chaque cellule publie les siens "
                "(df). Un petit domaine a donc un intervalle plus large qu'avec les degrés "
                "de liberté du plan entier.",
                "Effectif efficace (Korn-Graubard) : p(1 − p) / V, plafonné au nombre de "
                "répondants du domaine ; égal à ce nombre quand la variance est nulle (strate "
                "exhaustive, proportion de 0 % ou 100 %) ; puis corrigé du rapport des "
                "quantiles de Student (n − 1 et degrés de liberté du domaine).",
                "Effet de plan dû aux poids (facteur de Kish, 1 + CV² des poids) : "
                + (f"{kish:.2f}".replace(".", ",") if kish is not None else "—")
                + " ; il est publié avec les résultats (design_effect).",
                "Les moyennes des questions numériques ont un intervalle de Student sur les "
                "degrés de liberté du domaine.",
                "Un total est estimé sur les seules collectivités à qui la question a été "
                "posée : moyenne des réponses chiffrées du domaine × nombre estimé (pondéré) "
                "de répondants à qui elle a été posée, la non-réponse (« ne sait pas ») prenant "
                "la moyenne du domaine ; variance par linéarisation, intervalle de Student sur "
                "les degrés de liberté des interrogés du domaine. Pas de total pour une part ("
                + ", ".join(sorted(NON_ADDITIVE_UNITS))
                + "), ni quand les comptes ne disent pas à qui la question a été posée "
                "(conditions sur plusieurs réponses), ni dans un domaine où les réponses qui "
                "ouvrent la question sont sous le secret.",
                "Médiane : publiée seulement si au moins "
                f"{k} répondants du domaine ont donné exactement cette valeur ; sinon elle "
                "serait la réponse d'une collectivité.",
                "Précision publiée : chaque estimation est arrondie à la plus grande puissance "
                "de dix qui ne dépasse pas son erreur type (proportions entre 0,1 et 1 point, "
                "moyennes au centième au plus fin, totaux à l'unité au plus fin), ses bornes "
                "vers l'extérieur sur le même pas ; le nombre de décimales est publié "
                "(decimals).",
                f"Une estimation est dite fragile si son effectif efficace est inférieur à "
                f"{MIN_EFFECTIVE_N:.0f}, si son intervalle dépasse "
                f"{MAX_CI_WIDTH * 100:.0f} points ou si elle a moins de "
                f"{MIN_DF} degrés de liberté.",
            ],
        ),
        (
            "Secret statistique",
            [
                f"Aucune cellule n'est publiée si elle repose sur moins de {k} répondants, ni une "
                f"proportion de 0 % ou 100 % sur moins de {k} répondants.",
                "Des cellules supplémentaires sont masquées (secret secondaire), pour toutes les "
                "ventilations d'une question ensemble, afin qu'aucune cellule masquée ne puisse "
                "être retrouvée à partir de l'ensemble des chiffres publiés (national, type, "
                "taille, région, type et taille).",
                "Les résultats ne sont publiés qu'à la clôture de la campagne : deux "
                "publications successives ne peuvent donc pas révéler une réponse isolée.",
                f"Le taux de réponse d'une question n'est donné que si elle a été posée à au "
                f"moins {k} répondants, arrondi au pour cent.",
                f"Un total ou une moyenne est masqué quand un seul répondant en représente plus de "
                f"{DOMINANCE * 100:.0f} % (règle de dominance).",
                "Les réponses libres et les réponses individuelles ne sont jamais publiées.",
            ],
        ),
        (
            "Limites",
            [
                "La pondération corrige la non-réponse selon les seules variables de "
                "stratification : les intervalles traduisent l'aléa de la réponse au sein des "
                "strates, pas un éventuel biais de non-réponse (les collectivités qui répondent "
                "peuvent différer de celles qui ne répondent pas).",
            ],
        ),
    ]
    return {
        "campaign_id": campaign.id,
        "design_effect": None if kish is None else round(kish, 2),
        "title": f"Note méthodologique — {campaign.title}",
        "frame": {**source, "population": population},
        "respondents": respondents,
        "response_rate": overall,
        "threshold": k,
        "strata": strata,
        "sections": [{"title": title, "paragraphs": paragraphs} for title, paragraphs in sections],
        "licence": "Licence Ouverte 2.0 (Etalab)",
    }


def _kish(prepared: Prepared | None) -> float | None:
    """Kish's design effect of the weights, n Σw² / (Σw)², over all respondents."""
    if prepared is None:
        return None
    n = prepared.strata.respondents
    w = [float(weight) for weight in prepared.design.weights]
    total = sum(count * weight for count, weight in zip(n, w, strict=True))
    squares = sum(count * weight * weight for count, weight in zip(n, w, strict=True))
    return sum(n) * squares / total**2 if total else None
