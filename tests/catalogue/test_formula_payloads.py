"""Every OWASP CSV-injection payload, stored in a fiche, reaches the catalogue's CSV and XLSX
open data as text, even behind a control character, a space or a full-width sign."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

from services.common.spreadsheets import would_evaluate
from tests.catalogue.conftest import FicheFactory
from tests.catalogue.support import Catalogue
from tests.common.test_spreadsheets import PAYLOADS


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_stored_payload_is_text_in_every_open_data_spreadsheet(
    catalogue: Catalogue, fiche: FicheFactory, payload: str
) -> None:
    # Through the domain code, past the edge that refuses control characters: as legacy data.
    use_case = fiche(summary=payload, keywords=[payload.strip() or "x", "tri"])

    exports = {
        path: catalogue.client.get(path)
        for path in (
            "/exports/use-cases.csv",
            "/exports/use-cases-history.csv",
            "/exports/use-cases.xlsx",
            "/exports/use-cases.json",
        )
    }

    assert all(response.status_code == 200 for response in exports.values())
    for path, id_column in (
        ("/exports/use-cases.csv", "id"),
        ("/exports/use-cases-history.csv", "use_case_id"),
    ):
        text = exports[path].content.decode("utf-8-sig")
        row = next(
            row
            for row in csv.DictReader(io.StringIO(text, newline=""))
            if row[id_column] == str(use_case.id)
        )
        assert row["summary"] == "'" + payload, path
        assert not any(would_evaluate(cell) for cell in row.values()), path
    sheet = load_workbook(io.BytesIO(exports["/exports/use-cases.xlsx"].content))["cas_d_usage"]
    header = [cell.value for cell in sheet[1]]
    line = next(line for line in sheet.iter_rows(min_row=2) if line[0].value == use_case.id)
    summary = line[header.index("summary")]
    assert summary.data_type == "s"
    assert summary.value.startswith("'")
    assert not any(isinstance(c.value, str) and would_evaluate(c.value) for c in line)
    assert all(cell.data_type != "f" for cell in line)
    items = exports["/exports/use-cases.json"].json()["items"]
    assert [item["summary"] for item in items if item["id"] == use_case.id] == [payload]
