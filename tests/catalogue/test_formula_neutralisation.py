"""Every spreadsheet export of the catalogue shows formula-like text as text, never runs it."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook  # type: ignore[import-untyped]

from tests.catalogue.support import COMPLETE, Catalogue
from tests.conftest import Databases

INJECTED = {
    **COMPLETE,
    "title": '=HYPERLINK("http://example.org/x";"Tri")',
    "summary": "@SUM(A1:A9) " + COMPLETE["summary"],
    "keywords": ["-2+3", "tri"],
}
EXPECTED = {
    "title": "'" + INJECTED["title"],
    "summary": "'" + INJECTED["summary"],
    "keywords": "'-2+3 | tri",
}


def csv_row(content: bytes, *, id_column: str, fiche_id: int) -> dict[str, str]:
    rows = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
    return next(row for row in rows if row[id_column] == str(fiche_id))


def test_every_open_data_spreadsheet_neutralises_formulas(
    catalogue: Catalogue, databases: Databases
) -> None:
    proposed, _ = catalogue.propose(**INJECTED)
    catalogue.publish(proposed["id"])
    fiche_id = int(proposed["id"])

    row = csv_row(
        catalogue.client.get("/exports/use-cases.csv").content, id_column="id", fiche_id=fiche_id
    )
    assert {name: row[name] for name in EXPECTED} == EXPECTED

    history = catalogue.client.get("/exports/use-cases-history.csv").content
    row = csv_row(history, id_column="use_case_id", fiche_id=fiche_id)
    assert {name: row[name] for name in EXPECTED} == EXPECTED

    # In XLSX, the cells are text: openpyxl would have written a formula for "=…".
    content = catalogue.client.get("/exports/use-cases.xlsx").content
    sheet = load_workbook(io.BytesIO(content))["cas_d_usage"]
    header = [cell.value for cell in sheet[1]]
    # The identifier is a number there, as every number of the XLSX export.
    line = next(line for line in sheet.iter_rows(min_row=2) if line[0].value == fiche_id)
    cells = {name: line[header.index(name)] for name in EXPECTED}
    assert {name: cell.value for name, cell in cells.items()} == EXPECTED
    assert all(cell.data_type == "s" for cell in cells.values())
