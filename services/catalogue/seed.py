"""Demo use cases, written once into an empty catalogue."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from services.catalogue.models import UseCase, UseCaseStatus
from services.common.sql import utcnow

# (slug, title, summary, theme, code, local authority, published)
DEMO_USE_CASES = [
    (
        "tri-courriers-entrants-lyon",
        "Tri automatique des courriers entrants",
        "Un modèle de classification oriente les courriers et courriels des usagers vers le bon service, "
        "avec relecture humaine des cas incertains.",
        "Relation aux usagers",
        "200046977",
        "Métropole de Lyon",
        True,
    ),
    (
        "depots-sauvages-paris",
        "Détection des dépôts sauvages",
        "Des photos prises par les agents de propreté sont analysées pour repérer les dépôts sauvages "
        "et programmer leur enlèvement.",
        "Propreté urbaine",
        "217500016",
        "Paris",
        True,
    ),
    (
        "frequentation-piscines-rennes",
        "Prévision de la fréquentation des piscines",
        "Un modèle de prévision aide à ajuster les horaires et le personnel des piscines selon la météo "
        "et le calendrier scolaire.",
        "Sport",
        "243500139",
        "Rennes Métropole",
        True,
    ),
    (
        "redaction-deliberations-nantes",
        "Assistant de rédaction des délibérations",
        "Un assistant génératif propose une première rédaction des délibérations à partir des notes "
        "des services ; un agent valide chaque texte.",
        "Administration",
        "244400404",
        "Nantes Métropole",
        True,
    ),
    (
        "fuites-reseau-eau-montpellier",
        "Détection des fuites sur le réseau d'eau",
        "L'analyse des débits nocturnes signale les secteurs où une fuite est probable, pour cibler "
        "les recherches sur le terrain.",
        "Eau et assainissement",
        "243400017",
        "Montpellier Méditerranée Métropole",
        True,
    ),
    (
        "transcription-conseils-strasbourg",
        "Transcription des séances du conseil",
        "Les séances publiques sont transcrites automatiquement puis relues, pour publier plus vite "
        "des comptes rendus accessibles.",
        "Démocratie locale",
        "246700488",
        "Eurométropole de Strasbourg",
        True,
    ),
    (
        "orientation-aides-gironde",
        "Orientation vers les aides départementales",
        "Un agent conversationnel aide les habitants et les associations à trouver les dispositifs "
        "départementaux auxquels ils sont éligibles.",
        "Relation aux usagers",
        "33",
        "Gironde",
        True,
    ),
    (
        "tournees-collecte-marseille",
        "Optimisation des tournées de collecte",
        "Projet en préparation : calcul des tournées de collecte des déchets selon le remplissage "
        "mesuré des bacs.",
        "Déchets",
        "211300553",
        "Marseille",
        False,
    ),
]


def seed_catalogue(session: Session, *, now: datetime | None = None) -> int:
    """Add the demo use cases when the catalogue is empty; returns how many were added."""
    if session.exec(select(func.count()).select_from(UseCase)).one():
        return 0
    now = now or utcnow()
    for rank, (slug, title, summary, theme, code, name, published) in enumerate(DEMO_USE_CASES):
        session.add(
            UseCase(
                slug=slug,
                title=title,
                summary=summary,
                theme=theme,
                local_authority_code=code,
                local_authority_name=name,
                status=UseCaseStatus.PUBLISHED if published else UseCaseStatus.DRAFT,
                published_at=now - timedelta(days=7 * rank) if published else None,
            )
        )
    session.flush()
    return len(DEMO_USE_CASES)
