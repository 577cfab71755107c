"""The FRIAs of the demo catalogue's high-risk fiches (fictional, as the fiches are): one
complete and shared, one whose conclusion suspended the project, one draft; each saved through
the same rules as a contributor's form. Toulouse's traffic lights (Annex III, point 2) and
Saint-Étienne's stopped project get none: the first is exempt, the second never ran."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from services.catalogue.ai_act import dpia, fria
from services.catalogue.ai_act.references import load
from services.catalogue.ai_act.standing import standing
from services.catalogue.models import UseCase
from services.catalogue.schemas.ai_act_documents import FriaForm


def _rights(at_stake: dict[str, str]) -> list[dict[str, Any]]:
    """Every right of the Charter gone through: those named are at stake, with why."""
    return [
        {"code": r["code"], "at_stake": "oui", "note": at_stake[r["code"]]}
        if r["code"] in at_stake
        else {"code": r["code"], "at_stake": "non"}
        for r in load("fria")["rights"]
    ]


_SOCIAL_RIGHTS = {
    "aide_sociale": "L'outil intervient dans l'accès à une prestation d'aide sociale.",
    "non_discrimination": "Les données de revenus et de situation familiale peuvent porter des biais.",
    "donnees_personnelles": "Données identifiantes des demandeurs et de leur foyer.",
    "bonne_administration": "Délais d'instruction et motivation des décisions.",
    "recours_effectif": "Les demandeurs doivent pouvoir contester la décision.",
}

DEMO_FRIAS: dict[str, dict[str, Any]] = {
    "instruction-rsa-nord": {
        "state": "complete",
        "shared": True,
        "elements": {
            "processes": "Pré-instruction des demandes de RSA : l'outil pré-remplit le dossier et signale les pièces manquantes ; l'agent instructeur vérifie et décide.",
            "period_frequency": "Expérimentation de douze mois sur deux territoires d'action sociale, à chaque demande reçue (environ 1 500 par mois).",
            "persons": "Demandeurs du RSA et les membres de leur foyer ; agents instructeurs.",
            "risks": "Dossier déclaré incomplet à tort, qui retarde l'ouverture du droit ; erreurs plus fréquentes pour les situations atypiques (travailleurs indépendants, foyers recomposés).",
            "oversight": "Chaque pré-instruction est relue par un agent formé, qui peut corriger tout champ ; aucune décision n'est prise par l'outil.",
            "measures": "Revue mensuelle des écarts par un comité (direction de l'insertion, DPO, représentants des agents) ; suspension de l'outil si les erreurs dépassent le seuil fixé ; réclamation auprès du service, puis recours administratif préalable obligatoire.",
        },
        "rights": _rights(_SOCIAL_RIGHTS),
        "summary": "Risque principal : retard d'ouverture du droit pour les situations atypiques. Maîtrisé par la relecture systématique, le suivi mensuel des écarts et la possibilité de suspendre l'outil.",
        "dpia": {
            "criteria": [
                "evaluation",
                "donnees_sensibles",
                "personnes_vulnerables",
                "usage_innovant",
            ],
            "cnil_types": ["accompagnement_social"],
            "url": "https://demo.example.fr/nord/aipd-instruction-rsa",
            "summary": "AIPD menée avant l'expérimentation : données limitées au dossier de demande, conservation de deux ans, accès restreint aux agents instructeurs.",
        },
        "deployer": {
            "address": "Hôtel du Département, 51 rue Gustave Delory, 59047 Lille Cedex",
            "contact": "Direction de l'insertion (adresse de démonstration : insertion@demo.example.fr)",
            "submitter_name": "Délégué à la protection des données (démonstration)",
            "submitter_address": "Hôtel du Département, 51 rue Gustave Delory, 59047 Lille Cedex",
            "submitter_contact": "dpo@demo.example.fr",
        },
    },
    "fraude-aides-seine-saint-denis": {
        "state": "complete",
        "shared": True,
        "elements": {
            "processes": "Ciblage des contrôles a posteriori des aides sociales : un score devait classer les dossiers à contrôler en priorité.",
            "period_frequency": "Prévu en continu, un calcul mensuel du score ; projet suspendu avant toute utilisation.",
            "persons": "Bénéficiaires des aides départementales, dont des personnes en situation de grande précarité.",
            "risks": "Contrôles concentrés sur certains quartiers ou certaines situations familiales (discrimination indirecte) ; stigmatisation des personnes contrôlées.",
            "oversight": "Les contrôleurs devaient choisir les dossiers dans la liste classée : contrôle humain insuffisant face à un effet d'ancrage sur le score.",
            "measures": "Projet suspendu ; tout nouveau projet passera par un comité d'éthique associant des usagers, et par une nouvelle analyse.",
        },
        "rights": _rights(
            {
                **_SOCIAL_RIGHTS,
                "egalite_en_droit": "Traitement différent selon le lieu de résidence.",
            }
        ),
        "summary": "Risque élevé de discrimination indirecte, que les mesures envisagées ne réduisaient pas assez : le projet est suspendu.",
        "dpia": {
            "criteria": ["evaluation", "croisement", "personnes_vulnerables", "exclusion_droit"],
            "cnil_types": ["profilage_sources_externes"],
            "summary": "AIPD : risque élevé non résiduel ; traitement non mis en œuvre.",
        },
        "deployer": {"address": "Hôtel du Département, 93006 Bobigny Cedex"},
    },
    "orientation-formation-pays-de-la-loire": {
        "state": "draft",
        "elements": {
            "processes": "Les conseillers proposent des formations financées par la région à partir des recommandations de l'outil.",
            "persons": "Demandeurs d'emploi et personnes en reconversion accompagnés par les conseillers.",
        },
        "rights": [
            {
                "code": "education",
                "at_stake": "oui",
                "note": "Accès à la formation professionnelle.",
            },
            {"code": "non_discrimination", "at_stake": "a_examiner"},
        ],
        "dpia": {"criteria": ["evaluation", "usage_innovant"]},
    },
}


def seed_frias(session: Session, use_cases: dict[str, UseCase], *, now: datetime) -> int:
    """Give the demo's high-risk fiches their FRIA; returns how many were written."""
    written = 0
    for slug, values in DEMO_FRIAS.items():
        use_case = use_cases.get(slug)
        if use_case is None:
            continue
        form = FriaForm.model_validate(values)
        screening = dpia.screen(
            form.dpia.model_dump(), use_case.draft, standing(use_case, use_case.draft)
        )
        fria.save(use_case, form, screening, now=now)
        session.add(use_case)
        written += 1
    return written
