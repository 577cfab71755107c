"""The catalogue's DCAT-AP description, read as a harvester reads it.

pyld expands and flattens the JSON-LD (offline: a document loader that refuses to fetch makes
sure the context is all inline), then a JSON Schema written from DCAT-AP 3.0
(`dcat_ap_3.schema.json`) checks the mandatory and recommended properties of each class on the
full IRIs; the links between nodes and the downloads they point to are followed here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft202012Validator
from pyld import jsonld

from services.common.licences import open_licence
from tests.catalogue.conftest import FicheFactory
from tests.catalogue.support import Catalogue

SHAPE = json.loads((Path(__file__).parent / "dcat_ap_3.schema.json").read_text(encoding="utf-8"))
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"


def _offline(url: str, options: dict[str, Any]) -> Any:
    raise AssertionError(f"the description made pyld fetch {url}")


def _flattened(document: dict[str, Any]) -> list[dict[str, Any]]:
    graph: list[dict[str, Any]] = jsonld.flatten(document, options={"documentLoader": _offline})
    return graph


def _shape_errors(graph: list[dict[str, Any]]) -> list[str]:
    validator = Draft202012Validator(SHAPE, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [f"{error.json_path}: {error.message}" for error in validator.iter_errors(graph)]


def _ids(node: dict[str, Any], prop: str) -> list[str]:
    return [value["@id"] for value in node.get(prop, [])]


def _one(node: dict[str, Any], prop: str) -> str:
    (value,) = node[prop]
    return str(value.get("@id", value.get("@value")))


def test_the_dcat_description_is_dcat_ap_and_points_to_the_real_downloads(
    catalogue: Catalogue, fiche: FicheFactory
) -> None:
    latest = fiche()
    response = catalogue.client.get("/catalogue/dcat.jsonld")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/ld+json")
    assert f'<{open_licence().url}>; rel="license"' in response.headers["link"]

    graph = _flattened(response.json())
    Draft202012Validator.check_schema(SHAPE)
    assert _shape_errors(graph) == []

    nodes = {node["@id"]: node for node in graph}
    (catalog,) = [node for node in graph if f"{DCAT}Catalog" in node.get("@type", [])]
    assert catalog["@id"].endswith("/catalogue/dcat.jsonld")
    assert (
        f"{'http://xmlns.com/foaf/0.1/'}Agent" in nodes[_one(catalog, f"{DCT}publisher")]["@type"]
    )
    datasets = [nodes[ref] for ref in _ids(catalog, f"{DCAT}dataset")]
    assert [f"{DCAT}Dataset" in dataset["@type"] for dataset in datasets] == [True, True]
    published, history = datasets
    modified = latest.updated_at.isoformat()
    assert _one(published, f"{DCT}modified")[:19] == modified[:19]

    media: dict[str, str] = {}
    for dataset in datasets:
        assert _one(dataset, f"{DCT}publisher") == _one(catalog, f"{DCT}publisher")
        for ref in _ids(dataset, f"{DCAT}distribution"):
            distribution = nodes[ref]
            assert f"{DCAT}Distribution" in distribution["@type"]
            assert _one(distribution, f"{DCT}license") == open_licence().url
            url = _one(distribution, f"{DCAT}downloadURL")
            assert _one(distribution, f"{DCAT}accessURL") == url
            media_type = _one(distribution, f"{DCAT}mediaType").removeprefix(MEDIA_TYPES)
            download = catalogue.client.get(urlsplit(url).path)
            assert download.status_code == 200, url
            assert download.headers["content-type"].split(";")[0] == media_type
            assert f'<{open_licence().url}>; rel="license"' in download.headers["link"]
            if dataset is published:
                media[media_type] = url
                schema = _one(distribution, f"{DCT}conformsTo")
                assert schema == _one(published, f"{DCT}conformsTo")
                assert catalogue.client.get(urlsplit(schema).path).json()["$schema"]
    assert sorted(media) == [
        "application/json",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "text/csv",
    ]
    assert len(_ids(history, f"{DCAT}distribution")) == 2  # CSV and JSON


@pytest.mark.parametrize(
    ("drop", "from_type"),
    [
        ("dcat:accessURL", "dcat:Distribution"),
        ("dct:license", "dcat:Distribution"),
        ("dct:title", "dcat:Dataset"),
        ("dct:description", "dcat:Catalog"),
    ],
)
def test_the_shape_catches_a_missing_mandatory_property(
    catalogue: Catalogue, drop: str, from_type: str
) -> None:
    document = catalogue.client.get("/catalogue/dcat.jsonld").json()

    def without(node: Any) -> Any:
        if isinstance(node, list):
            return [without(item) for item in node]
        if not isinstance(node, dict):
            return node
        kept = {key: without(value) for key, value in node.items()}
        if node.get("@type") == from_type:
            kept.pop(drop)
        return kept

    assert _shape_errors(_flattened(without(document)))
