"""The territories reference: its generated file, its search and its two routes."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.common.errors import PROBLEM_MEDIA_TYPE, install_error_handlers
from services.common.territories import build
from services.common.territories.routes import territories_router
from services.common.territories.search import (
    TerritoryIndex,
    get_index,
    normalise,
    read_document,
    read_territories,
)
from tests.conftest import ClientFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    """The routes mounted alone in a bare app with the project's error handlers."""
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(territories_router())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


@pytest.fixture
def index() -> TerritoryIndex:
    return get_index()


def first(index: TerritoryIndex, query: str, **filters: Any) -> tuple[str, str]:
    found = index.search(query, **filters).items[0]
    return found.name, found.kind


def names(index: TerritoryIndex, query: str, limit: int = 20) -> list[str]:
    return [territory.name for territory in index.search(query, limit=limit).items]


# --- normalisation and search ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Saint-Étienne", "saint etienne"),
        ("ST-ETIENNE", "saint etienne"),
        ("  Ste   Foy-lès-Lyon ", "sainte foy les lyon"),
        ("L'Haÿ-les-Roses", "l hay les roses"),
        ("Cœur de Causse", "coeur de causse"),
        ("CC Faucigny - Glières", "cc faucigny glieres"),
        ("Stains", "stains"),
        ("-- '' --", ""),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("st etienne", ("Saint-Étienne", "commune")),
        ("SAINT-ÉTIENNE", ("Saint-Étienne", "commune")),
        ("saint etienne", ("Saint-Étienne", "commune")),
        ("paris", ("Paris", "commune")),
        ("75001", ("Paris", "commune")),
        ("lyon", ("Lyon", "commune")),
        ("metropole de lyon", ("Métropole de Lyon", "epci")),
        ("bouches du rhone", ("Bouches-du-Rhône", "departement")),
        ("ile de france", ("Île-de-France", "region")),
        ("214202186", ("Saint-Étienne", "commune")),
        ("2A004", ("Ajaccio", "commune")),
        ("coeur de causse", ("Cœur de Causse", "commune")),
        ("marseille metropole", ("Métropole d'Aix-Marseille-Provence", "epci")),
    ],
)
def test_first_result(index: TerritoryIndex, query: str, expected: tuple[str, str]) -> None:
    assert first(index, query) == expected


def test_saint_etienne_is_the_prefecture(index: TerritoryIndex) -> None:
    found = index.search("st etienne").items[0]
    assert (found.insee_code, found.siren) == ("42218", "214202186")


def test_exact_then_prefix_then_word_whatever_the_population(index: TerritoryIndex) -> None:
    found = names(index, "lyon")
    assert found[:2] == ["Lyon", "Lyons-la-Forêt"]
    assert found.index("Lyons-la-Forêt") < found.index("Métropole de Lyon")


def test_substring_comes_last_and_most_populous_first(index: TerritoryIndex) -> None:
    # "tienne" starts no word: every match is inside a word, so population decides.
    assert names(index, "tienne", limit=2) == ["Saint-Étienne Métropole", "Saint-Étienne"]


def test_postal_code_shared_by_two_communes(index: TerritoryIndex) -> None:
    # 13001 is a postal code of Marseille and the INSEE code of Aix-en-Provence.
    assert names(index, "13001") == ["Marseille", "Aix-en-Provence"]


def test_kind_filter(index: TerritoryIndex) -> None:
    result = index.search("lyon", kind="epci")
    assert result.items[0].name == "Métropole de Lyon"
    assert {territory.kind for territory in result.items} == {"epci"}


def test_total_counts_all_matches_beyond_the_limit(index: TerritoryIndex) -> None:
    result = index.search("saint", limit=5)
    assert len(result.items) == 5
    assert result.total > 4000


def test_empty_query_gives_the_most_populous(index: TerritoryIndex) -> None:
    result = index.search("  ", kind="region", limit=3)
    assert [region.name for region in result.items] == [
        "Île-de-France",
        "Auvergne-Rhône-Alpes",
        "Nouvelle-Aquitaine",
    ]
    assert result.total == 26


def test_no_match(index: TerritoryIndex) -> None:
    result = index.search("zzzzqq")
    assert (result.items, result.total) == ([], 0)


# --- the generated file ---------------------------------------------------------------------


def test_data_file_records_its_source() -> None:
    document = read_document()
    assert document["source"]["package"] == "@etalab/decoupage-administratif"
    assert document["source"]["version"] == "6.0.0"
    assert document["source"]["license"] == "MIT"
    assert "Copyright (c) 2018-2019 Etalab" in document["source"]["license_text"]


def test_data_file_counts(index: TerritoryIndex) -> None:
    assert {
        kind: index.count(kind) for kind in ("commune", "epci", "ept", "departement", "region")
    } == {
        "commune": 34969,
        "epci": 1255,
        "ept": 11,
        "departement": 109,
        "region": 26,
    }


def test_nothing_is_loaded_at_import() -> None:
    script = (
        "import services.common.territories.routes, services.common.territories.search as s;"
        "print(s._load.cache_info().currsize)"
    )
    output = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert output.stdout.strip() == "0"


def _write_package(folder: Path) -> Path:
    def commune(code: str, name: str, population: int, **extra: Any) -> dict[str, Any]:
        return {
            "code": code,
            "nom": name,
            "departement": "13",
            "region": "93",
            "population": population,
            "codesPostaux": [f"1300{code[-1]}"],
            **extra,
        }

    tables: dict[str, Any] = {
        "communes": [
            commune("13055", "Marseille", 800, type="commune-actuelle", siren="211300553"),
            commune("13001", "Aix-en-Provence", 100, type="commune-actuelle", siren="211300017"),
            commune("13201", "Marseille 1er Arrondissement", 40, type="arrondissement-municipal"),
        ],
        "epci": [
            {
                "code": "200054807",
                "nom": "Métropole d'Aix-Marseille-Provence",
                "type": "METRO",
                "populationMunicipale": 900,
                "membres": [{"code": "13055"}, {"code": "13001"}],
            },
        ],
        "ept": [],
        "departements": [{"code": "13", "nom": "Bouches-du-Rhône", "region": "93"}],
        "regions": [{"code": "93", "nom": "Provence-Alpes-Côte d'Azur"}],
    }
    (folder / "data").mkdir(parents=True)
    for name, rows in tables.items():
        (folder / "data" / f"{name}.json").write_text(json.dumps(rows), encoding="utf-8")
    package = {"name": "@etalab/decoupage-administratif", "version": "0.0.1", "license": "MIT"}
    (folder / "package.json").write_text(json.dumps(package), encoding="utf-8")
    (folder / "LICENSE").write_text("MIT License\n\nCopyright (c) Etalab\n", encoding="utf-8")
    return folder


def test_build_from_a_package(tmp_path: Path) -> None:
    package = _write_package(tmp_path / "package")
    build.main([str(package), "--output-dir", str(tmp_path / "out")])
    index = TerritoryIndex(read_territories(tmp_path / "out" / build.DATA_FILE_NAME))

    marseille = index.lookup("13055")
    departement = index.lookup("13")
    assert marseille is not None
    assert departement is not None
    assert (marseille.code, marseille.epci) == ("211300553", "200054807")
    assert departement.population == 900  # the arrondissement is not counted twice
    assert index.lookup("13201") is None  # arrondissements municipaux are left out
    assert "version 0.0.1" in (tmp_path / "out" / "SOURCE.md").read_text(encoding="utf-8")


def test_build_is_reproducible(tmp_path: Path) -> None:
    package = _write_package(tmp_path / "package")
    first_file = build.write(build.build(package), tmp_path / "first")
    second_file = build.write(build.build(package), tmp_path / "second")
    assert first_file.read_bytes() == second_file.read_bytes()


# --- routes ---------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_search_route(client: httpx.AsyncClient) -> None:
    response = await client.get("/territories", params={"q": "st etienne", "limit": 3})
    assert response.status_code == 200
    body = response.json()
    assert len(body["items"]) == 3
    assert body["total"] > 3
    assert body["items"][0] == {
        "code": "214202186",
        "kind": "commune",
        "name": "Saint-Étienne",
        "siren": "214202186",
        "insee_code": "42218",
        "epci_kind": None,
        "postal_codes": ["42000", "42100", "42230"],
        "departement": "42",
        "region": "84",
        "population": 173136,
    }


@pytest.mark.anyio
async def test_search_route_epci_kind(client: httpx.AsyncClient) -> None:
    response = await client.get("/territories", params={"q": "bordeaux", "kind": "epci"})
    assert response.json()["items"][0]["name"] == "Bordeaux Métropole"
    assert response.json()["items"][0]["epci_kind"] == "METRO"


@pytest.mark.anyio
async def test_search_route_without_query(client: httpx.AsyncClient) -> None:
    response = await client.get("/territories", params={"kind": "departement", "limit": 1})
    body = response.json()
    assert body["total"] == 109
    assert [item["name"] for item in body["items"]] == ["Nord"]


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "ville"}, "kind"),
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"q": "x" * 101}, "q"),
        ({"offset": 10}, "offset"),
    ],
)
async def test_search_route_refuses(
    client: httpx.AsyncClient, params: dict[str, Any], field: str
) -> None:
    response = await client.get("/territories", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert [error["loc"][-1] for error in response.json()["errors"]] == [field]


@pytest.mark.anyio
async def test_commune_by_siren_or_insee_code(client: httpx.AsyncClient) -> None:
    by_siren = (await client.get("/territories/214202186")).json()
    by_insee = (await client.get("/territories/42218")).json()
    assert by_insee == by_siren
    assert by_siren["epci"] == {"code": "244200770", "name": "Saint-Étienne Métropole"}
    assert (by_siren["ept"], by_siren["members"]) == (None, None)


@pytest.mark.anyio
async def test_commune_of_grand_paris_has_an_ept(client: httpx.AsyncClient) -> None:
    montreuil = (await client.get("/territories/93048")).json()
    assert montreuil["epci"]["name"] == "Métropole du Grand Paris"
    assert montreuil["ept"]["name"] == "Est Ensemble"


@pytest.mark.anyio
async def test_epci_lists_its_members(client: httpx.AsyncClient) -> None:
    metropole = (await client.get("/territories/200046977")).json()
    assert (metropole["name"], metropole["epci_kind"]) == ("Métropole de Lyon", "MET69")
    assert len(metropole["members"]) == 58
    assert metropole["members"][0] == {"code": "216901231", "name": "Lyon"}


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/territories/11", "Aude"),
        ("/territories/11?kind=region", "Île-de-France"),
        ("/territories/2a", "Corse-du-Sud"),
    ],
)
async def test_departement_before_region(client: httpx.AsyncClient, path: str, name: str) -> None:
    assert (await client.get(path)).json()["name"] == name


@pytest.mark.anyio
async def test_commune_without_siren_is_found_by_insee_code(client: httpx.AsyncClient) -> None:
    bora_bora = (await client.get("/territories/98714")).json()
    assert (bora_bora["code"], bora_bora["siren"], bora_bora["name"]) == (
        "98714",
        None,
        "Bora-Bora",
    )


@pytest.mark.anyio
async def test_unknown_code_is_a_french_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/territories/999999999")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert response.json()["detail"].startswith("Aucun territoire n'a le code « 999999999 »")


@pytest.mark.anyio
@pytest.mark.parametrize(
    "path", ["/territories/11?kind=canton", "/territories/11?q=x", "/territories/1234567890"]
)
async def test_lookup_route_refuses(client: httpx.AsyncClient, path: str) -> None:
    assert (await client.get(path)).status_code == 422


@pytest.mark.anyio
async def test_departements_with_their_regions(client: httpx.AsyncClient) -> None:
    response = await client.get("/territories/departements")
    assert response.status_code == 200
    departements = {item["code"]: item for item in response.json()}
    assert departements["2A"] == {
        "code": "2A",
        "name": "Corse-du-Sud",
        "region": "94",
        "region_name": "Corse",
    }
    assert departements["35"]["region_name"] == "Bretagne"
    # The five overseas départements and régions, each its own région.
    assert {code: departements[code]["region"] for code in ("971", "972", "973", "974", "976")} == {
        "971": "01",
        "972": "02",
        "973": "03",
        "974": "04",
        "976": "06",
    }
    assert departements["976"]["region_name"] == "Mayotte"
    # Every metropolitan département has a région among the thirteen.
    metropolitan = {item["region"] for code, item in departements.items() if len(code) == 2}
    assert len(metropolitan) == 13
    assert list(departements) == sorted(departements)


@pytest.mark.anyio
async def test_departements_route_is_documented(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    operation = schema["paths"]["/territories/departements"]["get"]
    assert operation["summary"]
    assert operation["description"].startswith("Tous les départements")
    listed = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert listed["items"] == {"$ref": "#/components/schemas/DepartementOut"}


@pytest.mark.parametrize("service", ["auditions", "catalogue", "survey"])
def test_every_service_serves_the_departements_to_anyone(
    client_for: ClientFactory, service: str
) -> None:
    """The observatory asks the survey service; each service mounts the same public router
    (on each backend: the route reads the reference, never the database)."""
    response = client_for(service).get("/territories/departements")
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == get_index().count("departement")
    assert {
        "code": "974",
        "name": "La Réunion",
        "region": "04",
        "region_name": "La Réunion",
    } in rows
    operation = client_for(service).get("/openapi.json").json()["paths"]
    assert operation["/territories/departements"]["get"]["operationId"] == "list_departements"
