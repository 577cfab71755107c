"""The catalogue's import up to its announced 5 MB (issue 17, class 9), and CSV cells that hold
line breaks, quotes and separators (class 4): each stays one cell of one row."""

from __future__ import annotations

import csv
import io
import json

from services.catalogue.routes.opendata import MAX_IMPORT_BYTES
from services.common.body_limits import FORM_OVERHEAD
from tests.catalogue.conftest import FicheFactory
from tests.catalogue.support import COMPLETE, Catalogue
from tests.helpers import assert_problem


def test_an_import_of_3_mb_is_read_and_one_over_the_limit_is_refused(
    catalogue: Catalogue, fiche: FicheFactory
) -> None:
    """Found by the security review: the announced 5 MB sat behind a body limit of 1 MiB."""
    fiche(title="Fiche publiée avant")
    document = json.dumps({"items": [{**COMPLETE, "title": "Fiche importée"}]}).encode()
    padded = document + b" " * (3_000_000 - len(document))  # JSON allows the white space

    imported = catalogue.client.post(
        "/imports/use-cases",
        headers=catalogue.moderator,
        files={"file": ("fiches.json", padded, "application/json")},
    )
    too_big = catalogue.client.post(
        "/imports/use-cases",
        headers=catalogue.moderator,
        files={
            "file": ("fiches.json", b" " * (MAX_IMPORT_BYTES + FORM_OVERHEAD), "application/json")
        },
    )

    assert imported.status_code == 200, imported.text
    assert imported.json()["imported"] == 1
    assert_problem(too_big, 413)
    titles = {item["title"] for item in catalogue.client.get("/use-cases").json()["items"]}
    assert titles == {"Fiche publiée avant", "Fiche importée"}


def test_a_cell_with_line_breaks_quotes_and_separators_stays_one_cell(
    catalogue: Catalogue, fiche: FicheFactory
) -> None:
    summary = 'Première ligne\r\nSeconde ; "citée", et\rune fin\nnette.'
    published = fiche(summary=summary)

    for path, id_column in (
        ("/exports/use-cases.csv", "id"),
        ("/exports/use-cases-history.csv", "use_case_id"),
    ):
        response = catalogue.client.get(path)
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
        assert len(rows) == 1, path
        assert rows[0][id_column] == str(published.id)
        assert rows[0]["summary"] == summary
        disposition = response.headers["content-disposition"]
        assert disposition.startswith('attachment; filename="cas-d-usage-ia')
        assert response.headers["x-content-type-options"] == "nosniff"
