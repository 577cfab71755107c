"""The demo fiches are many, varied, publishable and true to the territories reference."""

from __future__ import annotations

import json
from pathlib import Path

from services.catalogue import fiche
from services.catalogue.ai_act import engine
from services.catalogue.demo_data import DEMO_ANSWERS, DEMO_FICHES
from services.catalogue.seed import demo_content
from services.common.territories.search import get_index
from tests.catalogue.support import Catalogue
from tests.conftest import Databases

DEMO_QUALIFICATIONS = (
    Path(__file__).resolve().parents[2] / "services/catalogue/demo_qualifications.json"
)


def test_there_are_at_least_thirty_varied_demo_fiches() -> None:
    assert len(DEMO_FICHES) >= 30
    assert len({f.slug for f in DEMO_FICHES}) == len(DEMO_FICHES)
    assert len({f.domain for f in DEMO_FICHES}) >= 10
    assert len({f.ai_technology for f in DEMO_FICHES}) >= 6
    assert {f.ai_act_class for f in DEMO_FICHES} >= {
        "hors_champ",
        "risque_minimal",
        "transparence_art50",
        "haut_risque",
    }
    assert len({f.project_status for f in DEMO_FICHES}) >= 5


def test_every_demo_fiche_is_valid_and_its_porteur_exists() -> None:
    index = get_index()
    kinds = set()
    for demo in DEMO_FICHES:
        territory = index.lookup(demo.code, kind=demo.kind)  # type: ignore[arg-type]
        assert territory is not None, demo.code
        assert territory.name == demo.name
        kinds.add(territory.kind)
        content = fiche.UseCaseFields.model_validate(demo_content(demo)).model_dump(
            exclude_none=True
        )
        assert fiche.publication_errors(content) == [], demo.slug
    assert kinds == {"commune", "epci", "departement", "region"}


def test_every_demo_fiche_is_qualified_through_the_engine_under_the_current_rules() -> None:
    document = json.loads(DEMO_QUALIFICATIONS.read_text(encoding="utf-8"))
    assert document["rules_version"] == engine.rules().version
    assert set(DEMO_ANSWERS) == {demo.slug for demo in DEMO_FICHES}
    classes = {}
    for slug, answers in DEMO_ANSWERS.items():
        outcome = engine.qualify(answers)
        assert outcome.complete, (slug, outcome.unanswered)
        # Only the questions asked are answered: the file holds no dead answer.
        assert set(answers) == {step.question for step in outcome.trail}, slug
        classes[slug] = outcome.ai_act_class
    # The showcase: each class a contributor may reach, and the high-risk cases of the plan.
    assert set(classes.values()) == {
        "hors_champ",
        "risque_minimal",
        "transparence_art50",
        "haut_risque",
    }
    assert (
        classes["instruction-rsa-nord"]
        == classes["fraude-aides-seine-saint-denis"]
        == "haut_risque"
    )


def test_the_seeded_fiches_show_their_qualified_class(
    seeded: Databases, catalogue: Catalogue
) -> None:
    listing = catalogue.client.get("/use-cases", params={"limit": 100}).json()["items"]
    ids = {item["slug"]: item["id"] for item in listing}
    rsa = catalogue.client.get(f"/use-cases/{ids['instruction-rsa-nord']}").json()
    assert rsa["ai_act_class"] == "haut_risque"
    assert rsa["ai_act"]["source"] == "qualification"
    assert rsa["ai_act"]["rules_version"] == engine.rules().version
    # Declared high risk, qualified minimal: listening for abnormal noises is no Annex III use.
    noise = catalogue.client.get(f"/use-cases/{ids['ecoute-sonore-saint-etienne']}").json()
    assert noise["ai_act_class"] == "risque_minimal"
