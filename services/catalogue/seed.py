"""Demo fiches, written once into an empty catalogue (marked as demo)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from services.catalogue import vocabularies, workflow
from services.catalogue.ai_act import qualification
from services.catalogue.ai_act.demo_fria import seed_frias
from services.catalogue.demo_data import DEMO_ANSWERS, DEMO_FICHES, DemoFiche
from services.catalogue.models import UseCase
from services.common.sql import utcnow

# (slug, title, summary, theme, code, local authority, published) of the demo fiches whose
# porteur code names one territory by itself (SIREN, département); régions share two-digit
# codes with départements and are checked with their kind in tests/catalogue/test_demo_data.py.
DEMO_USE_CASES = [
    (
        f.slug,
        f.title,
        f.summary,
        vocabularies.label("domain", f.domain),
        f.code,
        f.name,
        f.published,
    )
    for f in DEMO_FICHES
    if f.kind is None
]

_AUTOMATION = {True: "aide_decision", False: "aucune_decision"}


def demo_content(demo: DemoFiche) -> dict[str, Any]:
    """The whole content of a demo fiche: its own facts plus plausible, generic details."""
    content: dict[str, Any] = {
        "title": demo.title,
        "summary": demo.summary,
        "description": (
            f"{demo.summary} Le projet est porté par {demo.name}. Les agents gardent la main : "
            "chaque résultat est relu avant d'avoir un effet pour les usagers. "
            "Les données utilisées, les règles et les limites connues sont documentées."
        ),
        "project_status": demo.project_status,
        "keywords": list(demo.keywords),
        "local_authority_code": demo.code,
        "domain": demo.domain,
        "application_type": demo.application_type,
        "interaction": "g2c"
        if demo.application_type in ("relation_usager", "personnalisation")
        else "interne",
        "goal": demo.summary,
        "individual_decisions": demo.individual_decisions,
        "automation_level": _AUTOMATION[demo.individual_decisions],
        "ai_act_class": demo.ai_act_class,
        "ai_act_role": "deployeur",
        "ai_technology": demo.ai_technology,
        "algorithm_type": "regles"
        if demo.ai_technology in ("regles", "robotique_rpa")
        else "apprentissage",
        "hosting": demo.hosting,
        "personal_data": demo.personal_data,
        "acquisition_mode": "marche_public" if demo.hosting == "saas" else "interne",
        "reusability": demo.reusability,
        "human_oversight": "Un agent valide chaque résultat avant qu'il ait un effet.",
        "lessons_learned": "Associer les agents dès le début ; mesurer avant et après.",
        "peer_contact": True,
    }
    if demo.kind:
        content["local_authority_kind"] = demo.kind
    if demo.ai_act_class == "haut_risque":
        content["annex_iii_area"] = (
            "services_essentiels"
            if demo.domain == "action_sociale"
            else "infrastructures_critiques"
        )
        if demo.domain == "developpement_economique":
            content["annex_iii_area"] = "education_formation"
    if demo.ai_act_class == "transparence_art50":
        content["art50_obligations"] = ["information_agent_conversationnel"]
    if demo.individual_decisions:
        content["recourse"] = "Recours gracieux auprès du service, puis recours contentieux."
    return content


def seed_catalogue(session: Session, *, now: datetime | None = None) -> int:
    """Add the demo fiches when the catalogue is empty; returns how many were added."""
    if session.exec(select(func.count()).select_from(UseCase)).one():
        return 0
    now = now or utcnow()
    written: dict[str, UseCase] = {}
    for rank, demo in enumerate(DEMO_FICHES):
        use_case = workflow.propose(
            session,
            content=demo_content(demo),
            submitter_email=None,
            declared_by="demo",
            is_demo=True,
        )
        use_case.slug = demo.slug
        written[demo.slug] = use_case
        # Qualified through the engine, as a contributor would: the class, role and duties
        # that the fiche shows come from its answers, not from the declared values above.
        qualification.save(session, use_case, answers=DEMO_ANSWERS[demo.slug])
        if demo.published:
            workflow.publish(session, use_case, note="Fiche de démonstration")
            use_case.published_at = now - timedelta(days=5 * rank)
    seed_frias(session, written, now=now)
    session.flush()
    return len(DEMO_FICHES)
