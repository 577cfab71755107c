"""The data migrations carry frozen copies of the service's rules of their day; today those
copies still agree with the service (when the service changes, these tests say that the
migrations keep the old rules, which is the point: do not update the migrations)."""

from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from services.common.territories.search import get_index
from services.survey.campaigns import TARGET_KINDS, band_of, target_population
from services.survey.observatory import tallies
from services.survey.observatory.frame import class_of, reference_source
from services.survey.observatory.units import estimated_keys
from services.survey.questionnaires.observatoire_ia import DEFINITION
from services.survey.questionnaires.store import parse
from services.survey.scope import in_frame

VERSIONS = Path(__file__).resolve().parents[2] / "alembic" / "survey" / "versions"


def _migration(name: str) -> ModuleType:
    path = next(VERSIONS.glob(f"*_{name}.py"))
    spec = importlib.util.spec_from_file_location(f"frozen_{name}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_frozen_tally_rules_count_what_the_service_counts() -> None:
    frozen = _migration("answer_tally")
    assert frozen.estimated_keys(DEFINITION) == estimated_keys(parse(DEFINITION))
    forms = frozen.epci_forms()
    epci = [t for t in get_index().territories if t.kind == "epci"]
    assert len(forms) == len(epci) > 1000
    assert all(tallies.class_key("epci", "x", None, t.code)[3] == forms[t.code] for t in epci)
    assert frozen.canonical({"b": [1, "é"], "a": None}) == tallies.canonical(
        {"a": None, "b": [1, "é"]}
    )


@pytest.mark.parametrize(
    "target",
    [
        None,
        {"kinds": ["commune"], "regions": ["53"]},
        {"kinds": ["epci"], "population_bands": ["10000-49999"]},
    ],
)
def test_the_frozen_frame_rules_count_what_the_service_counts(
    target: dict[str, Any] | None,
) -> None:
    frozen = _migration("campaign_frame")
    document = frozen._reference()
    live = Counter(tuple(class_of(t)) for t in target_population(target))
    # Since issue 18 the service leaves out the overseas collectivities with their own status
    # and counts once an authority the reference lists twice (`services.survey.scope`); the
    # migration keeps counting them, as it did for the campaigns of its day.
    wanted = target or {}
    left_out = Counter(
        tuple(class_of(t))
        for t in get_index().territories
        if t.kind in (wanted.get("kinds") or TARGET_KINDS)
        and (not wanted.get("regions") or t.region in wanted["regions"])
        and (
            not wanted.get("population_bands")
            or band_of(t.population) in wanted["population_bands"]
        )
        and not in_frame(t)
    )
    assert frozen.frame_classes(document, target) == live + left_out
    if target is None:
        assert left_out
    assert {
        "package": document["source"]["package"],
        "version": document["source"]["version"],
    } == reference_source()
