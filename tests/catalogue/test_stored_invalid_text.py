"""A value stored before text was checked at the edge (a lone surrogate, a control character, a
non-character, written in the database past the API) breaks no page and no export of the
catalogue: each answers 200, and the text reads back, cleaned where a format cannot hold it."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlmodel import Session, select

from services.catalogue.models import UseCase, UseCaseVersion
from services.common.database import create_db_engine
from tests.catalogue.conftest import FicheFactory
from tests.catalogue.support import Catalogue
from tests.conftest import Databases

STORED = {
    "lone surrogate": "\ud800",
    "C0 control": "\x01",
    "escape": "\x1b",
    "C1 control": "\x85",
    "non-character": "\ufffe",
}


def _store(fiche: FicheFactory, databases: Databases, character: str) -> int:
    """A published fiche holding `character`: in its copied columns (the title) where the
    database can hold it, and in its JSON content (the summary), as an API without checks
    would have saved them. A lone surrogate fits only in JSON, as the escape `\\ud800`."""
    title = "Titre ancien" if character == "\ud800" else f"Titre {character} ancien"
    use_case = fiche(title=title)
    engine = create_db_engine(databases.urls["catalogue"], pool_size=1)
    try:
        with Session(engine) as session:
            row = session.get(UseCase, use_case.id)
            assert row is not None
            assert row.published is not None
            summary = f"Résumé {character} ancien."
            row.draft = {**row.draft, "summary": summary}
            row.published = {**row.published, "summary": summary}
            for version in session.exec(
                select(UseCaseVersion).where(UseCaseVersion.use_case_id == row.id)
            ):
                version.content = {**version.content, "summary": summary}
                session.add(version)
            session.add(row)
            session.commit()
            assert row.id is not None
            return row.id
    finally:
        engine.dispose()


@pytest.mark.parametrize("name", sorted(STORED))
def test_pages_and_json_exports_read_a_stored_invalid_value(
    catalogue: Catalogue, fiche: FicheFactory, databases: Databases, name: str
) -> None:
    use_case_id = _store(fiche, databases, STORED[name])
    client = catalogue.client
    paths = [
        "/use-cases",
        "/use-cases?q=ancien",
        "/use-cases/suggestions?q=Titre",
        f"/use-cases/{use_case_id}",
        f"/use-cases/{use_case_id}/history",
        "/exports/use-cases.json",
        "/exports/use-cases-history.json",
    ]
    moderation = ["/moderation/use-cases?status=published", f"/moderation/use-cases/{use_case_id}"]

    responses = {path: client.get(path) for path in paths} | {
        path: client.get(path, headers=catalogue.moderator) for path in moderation
    }

    for path, response in responses.items():
        assert response.status_code == 200, (path, response.text)
        assert "ancien" in json.dumps(response.json()), path


@pytest.mark.parametrize("name", sorted(STORED))
def test_csv_and_xlsx_exports_read_a_stored_invalid_value(
    catalogue: Catalogue, fiche: FicheFactory, databases: Databases, name: str
) -> None:
    _store(fiche, databases, STORED[name])
    client = catalogue.client

    csv_files = [
        client.get(path) for path in ("/exports/use-cases.csv", "/exports/use-cases-history.csv")
    ]
    xlsx = client.get("/exports/use-cases.xlsx")

    for response in csv_files:
        assert response.status_code == 200, response.text
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert any("ancien" in cell for row in rows for cell in row)
    assert xlsx.status_code == 200, xlsx.text
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert any("ancien" in str(cell.value) for row in sheet.iter_rows() for cell in row)
