"""A questionnaire version as an XLSForm workbook (survey, choices and settings sheets); what
XLSForm cannot say goes into columns of ours that KoboToolbox and ODK ignore (see xlsform.py)."""

from __future__ import annotations

import io
from typing import Any

from services.common.spreadsheets import printable
from services.survey.definition import YES_NO_CHOICES, Definition
from services.survey.questionnaires.xlsform import EXTRA, YES_NO_LIST
from services.survey.questionnaires.xlsform_expressions import to_xlsform


def write_xlsform(definition: Definition) -> bytes:
    """The definition as an XLSForm workbook (survey, choices, settings)."""
    # Imported here: openpyxl imports NumPy, which importing the service should not load.
    from openpyxl import Workbook  # type: ignore[import-untyped]

    workbook = Workbook()
    survey = workbook.active
    survey.title = "survey"
    _append(
        survey,
        [
            "type",
            "name",
            "label",
            "hint",
            "required",
            "relevant",
            "constraint",
            "constraint_message",
            "appearance",
            "parameters",
            *EXTRA,
            "calculation",
        ],
    )
    choices = workbook.create_sheet("choices")
    _append(choices, ["list_name", "name", "label", "exclusive"])
    for name, codes in definition.choice_lists.items():
        for choice in codes:
            _append(choices, [name, choice.code, choice.label, "yes" if choice.exclusive else ""])
    if any(_uses_yes_no(item) for item in definition.items):
        for code, label in YES_NO_CHOICES:
            _append(choices, [YES_NO_LIST, code, label, "yes" if code == "nsp" else ""])
    for item in definition.items:
        _write_item(survey, item)
    settings = workbook.create_sheet("settings")
    _append(settings, ["form_title", "form_id", "version", "default_language"])
    _append(settings, [definition.title, definition.key, definition.version, "French (fr)"])
    # openpyxl stores a text starting with "=" as a formula: a label such as "=HYPERLINK(…)" must
    # stay the text it is, both for the spreadsheet opening it and for a re-import.
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _uses_yes_no(item: Any) -> bool:
    if item.kind == "section":
        return any(_uses_yes_no(child) for child in item.items)
    return bool(item.kind == "question" and item.type == "yes_no")


def _formula(tree: Any, key: str) -> str:
    return to_xlsform(tree, self_key=key) if tree is not None else ""


def _write_item(sheet: Any, item: Any) -> None:
    relevant = _formula(item.relevant, item.key)
    if item.kind == "section":
        _append(sheet, ["begin group", item.key, item.label, item.description or "", "", relevant])
        for child in item.items:
            _write_item(sheet, child)
        _append(sheet, ["end group", item.key])
        return
    if item.kind == "note":
        _append(sheet, ["note", item.key, item.label, "", "", relevant])
        return
    if item.kind == "calculate":
        _write_calculate(sheet, item, relevant)
        return
    required = "yes" if item.required else ""
    constraint = _formula(getattr(item, "constraint", None), item.key)
    message = getattr(item, "constraint_message", None) or ""
    common = [item.hint or "", required, relevant, constraint, message]
    if item.type == "matrix":
        _append(
            sheet,
            [
                "begin group",
                item.key,
                item.label,
                item.hint or "",
                "",
                relevant,
                "",
                "",
                "table-list",
            ],
        )
        for row in item.rows:
            _append(
                sheet,
                [f"select_one {item.choices}", f"{item.key}__{row.code}", row.label, "", required],
            )
        _append(sheet, ["end group", item.key])
        return
    if item.type in ("select_one", "select_multiple"):
        kind = f"{item.type} {item.choices}{' or_other' if item.other else ''}"
        _append(sheet, [kind, item.key, item.label, *common, "", "", *_extra(item)])
    elif item.type == "yes_no":
        _append(sheet, [f"select_one {YES_NO_LIST}", item.key, item.label, *common])
    elif item.type == "scale":
        _append(
            sheet,
            ["range", item.key, item.label, *common, "", "start=1 end=5 step=1", *_extra(item)],
        )
    elif item.type == "textarea":
        _append(sheet, ["text", item.key, item.label, *common, "multiline", "", *_extra(item)])
    else:
        _append(sheet, [item.type, item.key, item.label, *common, "", "", *_extra(item)])


def _write_calculate(sheet: Any, item: Any, relevant: str) -> None:
    # The formula goes in the last column, "calculation", after ours (EXTRA).
    blanks = [""] * (4 + len(EXTRA))
    formula = to_xlsform(item.calculation, self_key=item.key)
    _append(sheet, ["calculate", item.key, item.label or "", "", "", relevant, *blanks, formula])


def _extra(item: Any) -> list[Any]:
    values = [getattr(item, name, None) for name in EXTRA]
    return [
        "yes" if value is True else "" if value is None or value is False else value
        for value in values
    ]


def _append(sheet: Any, values: list[Any]) -> None:
    # Control characters an XLSX cell cannot hold are dropped rather than failing the download.
    sheet.append([printable(value) for value in values])
