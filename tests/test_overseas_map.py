"""The overseas insets of the observatory's maps are what tools/overseas_map.py draws from the
pinned world-atlas package: the committed data can be traced to its source."""

from __future__ import annotations

import json
import re

import jsonschema_rs

from tools.overseas_map import ATLAS, OUTPUT, build, render

EXPECTED = {
    "971": ("01", "Guadeloupe"),
    "972": ("02", "Martinique"),
    "973": ("03", "Guyane"),
    "974": ("04", "La Réunion"),
    "976": ("06", "Mayotte"),
}


def test_committed_shapes_are_regenerated_from_the_package() -> None:
    package = json.loads((ATLAS / "package.json").read_text(encoding="utf-8"))
    pinned = json.loads((ATLAS.parents[1] / "package.json").read_text(encoding="utf-8"))
    assert package["version"] == pinned["devDependencies"]["world-atlas"] == "2.0.2"
    assert OUTPUT.read_text(encoding="utf-8") == render(build())


def test_shapes_follow_their_schema_and_record_their_source_and_places() -> None:
    document = json.loads(OUTPUT.read_text(encoding="utf-8"))
    schema = json.loads(OUTPUT.with_name("overseas-shapes.schema.json").read_text("utf-8"))
    validator = jsonschema_rs.validator_for(schema)
    validator.validate(document)
    # the schema is not a formality: a curve (the generator writes straight lines) is refused
    curved = {**document["places"][0], "path": "M0 0C1 1 2 2 3 3Z"}
    assert not validator.is_valid({**document, "places": [curved, *document["places"][1:]]})
    assert "Natural Earth" in document["source"]
    assert "world-atlas 2.0.2" in document["source"]
    assert "domaine public" in document["licence"]
    places = {p["code"]: (p["region"], p["name"]) for p in document["places"]}
    assert places == EXPECTED
    for place in document["places"]:
        assert re.fullmatch(r"(M[-\d. L]+Z)+", place["path"]), place["code"]
        width, height = map(float, place["viewBox"].split()[2:])
        assert max(width, height) == 108  # 100 units and a margin of 4 on each side
    # Guadeloupe's islands (Basse-Terre, Grande-Terre, Marie-Galante, La Désirade, Les Saintes)
    # without Saint-Martin and Saint-Barthélemy, which are other geometries.
    guadeloupe = next(p for p in document["places"] if p["code"] == "971")
    assert 4 <= guadeloupe["path"].count("M") <= 8
