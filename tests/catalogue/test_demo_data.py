"""The demo fiches are many, varied, publishable and true to the territories reference."""

from __future__ import annotations

from services.catalogue import fiche
from services.catalogue.demo_data import DEMO_FICHES
from services.catalogue.seed import demo_content
from services.common.territories.search import get_index


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
