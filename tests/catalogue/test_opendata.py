"""Open data (CSV, XLSX, JSON, history), the schema, the vocabularies and the staff import.

The files are read back as their users' tools read them: the csv module, openpyxl (which a
pandas `read_excel` uses) for the cells' types, jsonschema with format checking for the JSON.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from openpyxl import load_workbook  # type: ignore[import-untyped]

from services.common.licences import open_licence
from tests.catalogue.conftest import FicheFactory
from tests.catalogue.support import COMPLETE, Catalogue
from tests.conftest import Databases
from tests.helpers import assert_problem

DOWNLOADS = (
    "/exports/use-cases.csv",
    "/exports/use-cases.xlsx",
    "/exports/use-cases.json",
    "/exports/use-cases-history.csv",
    "/exports/use-cases-history.json",
)


def test_csv_has_a_bom_siren_and_insee_code_and_neutralises_formulas(
    catalogue: Catalogue, fiche: FicheFactory
) -> None:
    # Three porteurs: an EPCI (SIREN), a département (INSEE code) and a commune (both).
    published = [
        fiche(title="Tri des courriers", local_authority_code=code)
        for code in ("243500139", "33", "214900078")
    ]
    fiche(published=False, title="Brouillon jamais exporté")
    proposed, _ = catalogue.propose(
        **{
            **COMPLETE,
            "title": '=HYPERLINK("http://x") Tri',
            "summary": "+33 appels traités chaque jour par l'outil.",
        }
    )
    catalogue.publish(proposed["id"])

    response = catalogue.client.get("/exports/use-cases.csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == len(published) + 1
    by_name = {row["local_authority_name"]: row for row in rows}
    assert by_name["Rennes Métropole"]["siren"] == "243500139"
    assert by_name["Gironde"]["insee_code"] == "33"
    assert by_name["Angers"]["siren"] == "214900078"
    assert by_name["Angers"]["insee_code"] == "49007"
    injected = next(row for row in rows if row["id"] == str(proposed["id"]))
    assert injected["title"].startswith("'=")
    assert injected["summary"].startswith("'+")


def test_xlsx_and_json_hold_the_same_fiches(catalogue: Catalogue, fiche: FicheFactory) -> None:
    published = [fiche(title="Tri des courriers"), fiche(title="Prévision des crues")]
    fiche(published=False, title="Brouillon jamais exporté")
    xlsx = catalogue.client.get("/exports/use-cases.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content), read_only=True)["cas_d_usage"]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == len(published) + 1
    assert "siren" in rows[0]

    body = json.loads(catalogue.client.get("/exports/use-cases.json").content)
    assert body["licence"].startswith("Licence Ouverte")
    assert len(body["items"]) == len(published)
    assert all("submitter_email" not in item for item in body["items"])

    history = catalogue.client.get("/exports/use-cases-history.json").json()
    assert len(history["items"]) == len(published)
    assert catalogue.client.get("/exports/use-cases-history.csv").content.startswith(
        b"\xef\xbb\xbf"
    )


def test_vocabularies_and_schema(catalogue: Catalogue) -> None:
    vocabularies = catalogue.client.get("/vocabularies").json()
    assert {"code": "ia_generative", "label": "IA générative (LLM)"} in vocabularies[
        "vocabularies"
    ]["ai_technology"]
    assert "title" in vocabularies["quick_publication"]
    schema = catalogue.client.get("/schema/use-case.json").json()
    assert schema["version"] == "1.0.0"
    assert "domain" in schema["properties"]
    assert "x-required-to-publish" in schema


def _csv(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def _row(**changes: str) -> dict[str, str]:
    row = {key: ("non" if value is False else str(value)) for key, value in COMPLETE.items()}
    return {**row, **changes}


def test_import_is_all_or_nothing_with_a_report(catalogue: Catalogue) -> None:
    bad = _csv(
        [
            _row(title="Première fiche importée"),
            _row(title="Deuxième", domain="astrologie"),
            _row(title="Troisième fiche", summary=""),
        ]
    )
    refused = catalogue.client.post(
        "/imports/use-cases",
        headers=catalogue.moderator,
        files={"file": ("fiches.csv", bad, "text/csv")},
    )
    rejected: Any = assert_problem(refused, 422)["rejected"]
    assert [(r["row"], r["errors"][0]["field"]) for r in rejected] == [
        (2, "domain"),
        (3, "summary"),
    ]
    assert catalogue.client.get("/use-cases").json()["total"] == 0

    good = _csv(
        [
            _row(title="Première fiche importée", keywords=""),
            _row(title="Deuxième fiche importée", keywords="voirie | caméras"),
        ]
    )
    accepted = catalogue.client.post(
        "/imports/use-cases",
        headers=catalogue.moderator,
        files={"file": ("fiches.csv", good, "text/csv")},
    )
    assert accepted.json() == {"rows": 2, "imported": 2, "rejected": []}
    assert catalogue.client.get("/use-cases").json()["total"] == 2

    as_json = json.dumps([{**COMPLETE, "title": "Fiche importée en JSON"}]).encode()
    imported = catalogue.client.post(
        "/imports/use-cases",
        headers=catalogue.moderator,
        files={"file": ("fiches.json", as_json, "application/json")},
    )
    assert imported.json()["imported"] == 1
    assert_problem(
        catalogue.client.post(
            "/imports/use-cases", files={"file": ("f.json", as_json, "application/json")}
        ),
        401,
    )


@pytest.mark.parametrize(
    ("name", "content", "loc"),
    [
        ("fiches.csv", "CSV", ["body", "file", 2, 1]),
        ("fiches.json", "JSON", ["body", "file", 0, "title"]),
        ("fiches.json", "JSON escaped", ["body", "file", 0, "title"]),
    ],
)
def test_an_import_holding_invalid_text_is_refused_naming_the_cell(
    catalogue: Catalogue, name: str, content: str, loc: list[object]
) -> None:
    title = "Fiche\x85 importée"
    data = {
        "CSV": _csv([_row(title=title)]),
        "JSON": json.dumps([{**COMPLETE, "title": title}], ensure_ascii=False).encode(),
        "JSON escaped": json.dumps([{**COMPLETE, "title": title}]).encode(),
    }[content]

    refused = catalogue.client.post(
        "/imports/use-cases", headers=catalogue.moderator, files={"file": (name, data)}
    )

    problem = assert_problem(refused, 422)
    assert problem["errors"] == [{"loc": loc, "msg": problem["detail"], "type": "invalid_text"}]
    assert "U+0085" in str(problem["detail"])
    assert catalogue.client.get("/use-cases").json()["total"] == 0


def _validator(catalogue: Catalogue) -> Draft202012Validator:
    schema = catalogue.client.get("/schema/use-case.json").json()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_every_demo_row_has_its_porteur_kind_once_and_validates_against_the_schema(
    seeded: Databases, catalogue: Catalogue
) -> None:
    body = catalogue.client.get("/exports/use-cases.json").json()
    items = body["items"]
    assert len(items) == 32  # the demo's published fiches
    validator = _validator(catalogue)
    errors = [
        f"{item['slug']}: {error.json_path} {error.message}"
        for item in items
        for error in validator.iter_errors(item)
    ]
    assert errors == []
    assert body["schema"].endswith("/schema/use-case.json")
    kinds = {item["local_authority_kind"] for item in items}
    assert kinds == {"commune", "epci", "departement", "region"}

    header, *rows = csv.reader(
        io.StringIO(catalogue.client.get("/exports/use-cases.csv").content.decode("utf-8-sig"))
    )
    assert len(header) == len(set(header)), "a column named twice"
    kind = header.index("local_authority_kind")
    assert all(row[kind] in {"commune", "epci", "departement", "region"} for row in rows)
    by_slug = {row[header.index("slug")]: row for row in rows}
    assert {slug: by_slug[slug][kind] for slug in by_slug} == {
        item["slug"]: item["local_authority_kind"] for item in items
    }

    sheet = load_workbook(
        io.BytesIO(catalogue.client.get("/exports/use-cases.xlsx").content), read_only=True
    )["cas_d_usage"]
    columns, *values = list(sheet.iter_rows(values_only=True))
    assert list(columns) == header
    assert all(row[kind] for row in values)


def test_a_region_whose_code_is_a_departements_keeps_its_kind(
    catalogue: Catalogue, fiche: FicheFactory
) -> None:
    fiche(local_authority_code="53", local_authority_kind="region")  # région Bretagne
    fiche(local_authority_code="53")  # Mayenne
    items = catalogue.client.get("/exports/use-cases.json").json()["items"]
    assert sorted(
        (item["local_authority_name"], item["local_authority_kind"]) for item in items
    ) == [
        ("Bretagne", "region"),
        ("Mayenne", "departement"),
    ]
    history = catalogue.client.get("/exports/use-cases-history.json").json()["items"]
    assert sorted(item["local_authority_kind"] for item in history) == ["departement", "region"]


def test_an_item_that_breaks_the_schema_is_caught(
    catalogue: Catalogue, fiche: FicheFactory
) -> None:
    # The check above could fail: a wrong kind, a time without offset, an unknown key are refused.
    fiche()
    item = catalogue.client.get("/exports/use-cases.json").json()["items"][0]
    validator = _validator(catalogue)
    assert list(validator.iter_errors(item)) == []
    for change in (
        {"local_authority_kind": "canton"},
        {"updated_at": "hier"},
        {"siren": "12"},
        {"submitter_email": "agent@example.fr"},
    ):
        assert list(validator.iter_errors({**item, **change})), change


def test_xlsx_cells_keep_their_types_and_text_never_runs(
    catalogue: Catalogue, fiche: FicheFactory
) -> None:
    made = fiche(
        title="=SOMME(A1:A9) des courriers",
        summary="-3 % de délais grâce au tri automatique des courriers.",
        yearly_volume=12000,
        fria_done=True,
        keywords=["courrier", "@tri"],
        start_date="2024-03",
    )
    book = load_workbook(io.BytesIO(catalogue.client.get("/exports/use-cases.xlsx").content))
    sheet = book["cas_d_usage"]
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, sheet[2], strict=True))
    assert row["id"].value == made.id
    assert row["id"].data_type == "n"
    assert row["yearly_volume"].value == 12000
    assert row["is_demo"].value is False
    assert row["individual_decisions"].value is False
    assert row["fria_done"].value is True
    assert row["fria_done"].data_type == "b"
    assert isinstance(row["published_at"].value, datetime)
    assert row["published_at"].is_date
    assert row["peer_contact"].value is None  # not given: an empty cell, not "non"
    assert row["title"].value == "'=SOMME(A1:A9) des courriers"
    assert row["title"].data_type == "s"
    assert row["summary"].value.startswith("'-3 %")
    assert row["keywords"].value == "courrier | @tri"
    assert row["start_date"].value == "2024-03"  # a month: text, a date would invent a day
    assert row["local_authority_code"].value == "200046977"  # a code, not a number
    licence = dict(book["licence"].values)
    assert licence["Adresse"] == open_licence().url
    assert licence["Dates et heures"] == "UTC"


@pytest.mark.parametrize("path", DOWNLOADS)
def test_every_download_states_its_licence(catalogue: Catalogue, path: str) -> None:
    response = catalogue.client.get(path)
    assert response.status_code == 200
    links = response.headers["link"]
    assert f'<{open_licence().url}>; rel="license"' in links
    # The fiches name their schema; a version of the history is not a fiche.
    assert ('/schema/use-case.json>; rel="describedby"' in links) != ("history" in path)
    assert response.headers["content-disposition"].startswith("attachment;")
    if path.endswith(".json"):
        body = response.json()
        assert body["licence"] == "Licence Ouverte / Open Licence version 2.0"
        assert body["licence_version"] == "2.0"
        assert body["licence_url"] == open_licence().url
        assert ("schema" in body) != ("history" in path)
