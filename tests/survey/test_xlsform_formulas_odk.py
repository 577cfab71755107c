"""What we write as XLSForm formulas is ODK's XPath: every formula of the shared expression
cases, written back by `to_xlsform`, goes through pyxform and ODK Validate (JavaRosa's parser)."""

from __future__ import annotations

import io
import json
from pathlib import Path

from openpyxl import Workbook  # type: ignore[import-untyped]
from pyxform.xls2xform import convert  # type: ignore[import-untyped]

from services.survey.expressions import variables_of
from services.survey.questionnaires.xlsform_expressions import to_xlsform

ROOT = Path(__file__).resolve().parents[2]
VECTORS = json.loads((ROOT / "services/survey/expressions/vectors.json").read_text("utf-8"))
# The type each answer of the cases has as an ODK field (text unless said otherwise).
FIELD_TYPES = {"n": "integer", "z": "integer", "d": "decimal", "day": "date", "dd": "date"}
CODES = ["a", "b", "1", "2", "3", "5"]


def _uses_org(tree: object) -> bool:
    return '"org"' in json.dumps(tree)


def test_every_written_formula_is_accepted_by_pyxform_and_odk_validate() -> None:
    cases = [case for case in VECTORS["expressions"] if not _uses_org(case["expression"])]
    names = sorted({name for case in cases for name in variables_of(case["expression"])})
    multiple = set(VECTORS["multiple"])
    workbook = Workbook()
    survey = workbook.active
    survey.title = "survey"
    survey.append(["type", "name", "label", "calculation"])
    for name in names:
        kind = "select_multiple codes" if name in multiple else FIELD_TYPES.get(name, "text")
        survey.append([kind, name, name, ""])
    for index, case in enumerate(cases):
        survey.append(["calculate", f"c{index}", "", to_xlsform(case["expression"], self_key="")])
    choices = workbook.create_sheet("choices")
    choices.append(["list_name", "name", "label"])
    for code in CODES:
        choices.append(["codes", code, code])
    settings = workbook.create_sheet("settings")
    settings.append(["form_title", "form_id"])
    settings.append(["Cas communs", "cas_communs"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    # validate=True runs ODK Validate (Java): a formula JavaRosa cannot parse fails here.
    result = convert(xlsform=buffer.getvalue(), file_type=".xlsx", validate=True)

    assert len(cases) >= 280
    assert result.xform.count("calculate=") == len(cases)
