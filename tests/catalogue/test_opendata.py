"""Open data (CSV, XLSX, JSON, history), the schema, the vocabularies and the staff import."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

from tests.catalogue.conftest import FicheFactory
from tests.catalogue.support import COMPLETE, Catalogue
from tests.helpers import assert_problem


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
