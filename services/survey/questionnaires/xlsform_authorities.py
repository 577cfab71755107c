"""The local authority's attributes in an exported XLSForm.

Conditions may read the responding authority (`${org_kind}`, `${org_population}`…): the service
fills these from the invitation. ODK and KoboToolbox cannot, so the exported form asks the
respondent to pick their authority in the list `collectivites.csv` (a file attached to the form,
served by `GET /questionnaires/collectivites.csv`) and reads its attributes with `pulldata()`.
These rows are ours: importing the form back leaves them out and the conditions read the
invitation again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any

from services.common.territories.search import Territory, get_index
from services.survey.expressions import ORG_ATTRIBUTES

CSV_NAME = "collectivites"
CSV_FILE = f"{CSV_NAME}.csv"
PICKER = "org_code"
KINDS = ("commune", "epci", "departement", "region")
KIND_LABELS = {
    "commune": "commune",
    "epci": "EPCI",
    "departement": "département",
    "region": "région",
}
COLUMNS = ["name", "label", *sorted(ORG_ATTRIBUTES)]


def uses_authority(tree: Any) -> bool:
    """Whether an expression tree (or anything holding trees) reads an authority attribute."""
    if isinstance(tree, dict):
        return "org" in tree or any(uses_authority(value) for value in tree.values())
    if isinstance(tree, list):
        return any(uses_authority(value) for value in tree)
    return False


def survey_rows() -> list[dict[str, str]]:
    """The rows that pick the authority and read its attributes, first in the exported form."""
    rows = [
        {
            "type": f"select_one_from_file {CSV_FILE}",
            "name": PICKER,
            "label": "Votre collectivité",
            "hint": "Tapez son nom pour la trouver.",
            "required": "yes",
            "appearance": "autocomplete",
        }
    ]
    for attribute in sorted(ORG_ATTRIBUTES):
        rows.append(
            {
                "type": "calculate",
                "name": f"org_{attribute}",
                "calculation": f"pulldata('{CSV_NAME}', '{attribute}', 'name', ${{{PICKER}}})",
            }
        )
    return rows


def is_authority_row(name: str, kind: str) -> bool:
    """Whether an imported row is one of ours (see `survey_rows`)."""
    if name == PICKER:
        return kind.startswith("select_one_from_file") or kind == "select one from file"
    return kind == "calculate" and name.startswith("org_") and name[4:] in ORG_ATTRIBUTES


@cache
def authorities_csv() -> bytes:
    """The list as served: built once per process, as the territories reference never changes
    while it runs (36,000 rows took about a second to write on every request)."""
    return csv_text(get_index().territories).encode("utf-8")


def csv_text(territories: Iterable[Territory]) -> str:
    """The list of authorities the exported form picks from, with their attributes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(_lines(territories))
    return buffer.getvalue()


def _lines(territories: Iterable[Territory]) -> Iterator[list[str]]:
    for territory in territories:
        if territory.kind not in KINDS:
            continue
        where = f", {territory.departement}" if territory.kind in ("commune", "epci") else ""
        values = {
            "departement": territory.departement or "",
            "kind": territory.kind,
            "population": "" if territory.population is None else str(territory.population),
            "region": territory.region or "",
        }
        # Communes by their INSEE code, which their agents know; the others by their own code.
        code = territory.insee_code if territory.kind == "commune" else territory.code
        yield [
            f"{territory.kind}_{code or territory.code}",
            f"{territory.name} ({KIND_LABELS[territory.kind]}{where})",
            *(values[attribute] for attribute in sorted(ORG_ATTRIBUTES)),
        ]
