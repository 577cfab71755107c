"""A questionnaire version as an XLSForm workbook (survey, choices and settings sheets); what
XLSForm cannot say goes into columns of ours that KoboToolbox and ODK ignore (see xlsform.py)."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]

from services.survey.definition import YES_NO_CHOICES, Definition
from services.survey.questionnaires.xlsform import EXTRA, YES_NO_LIST
from services.survey.questionnaires.xlsform_expressions import to_xlsform


def write_xlsform(definition: Definition) -> bytes:
    """The definition as an XLSForm workbook (survey, choices, settings)."""
    workbook = Workbook()
    survey = workbook.active
    survey.title = "survey"
    survey.append(
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
        ]
    )
    choices = workbook.create_sheet("choices")
    choices.append(["list_name", "name", "label", "exclusive"])
    for name, codes in definition.choice_lists.items():
        for choice in codes:
            choices.append([name, choice.code, choice.label, "yes" if choice.exclusive else ""])
    if any(_uses_yes_no(item) for item in definition.items):
        for code, label in YES_NO_CHOICES:
            choices.append([YES_NO_LIST, code, label, "yes" if code == "nsp" else ""])
    for item in definition.items:
        _write_item(survey, item)
    settings = workbook.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    settings.append([definition.title, definition.key, definition.version, "French (fr)"])
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
        sheet.append(["begin group", item.key, item.label, item.description or "", "", relevant])
        for child in item.items:
            _write_item(sheet, child)
        sheet.append(["end group", item.key])
        return
    if item.kind == "note":
        sheet.append(["note", item.key, item.label, "", "", relevant])
        return
    required = "yes" if item.required else ""
    constraint = _formula(getattr(item, "constraint", None), item.key)
    message = getattr(item, "constraint_message", None) or ""
    common = [item.hint or "", required, relevant, constraint, message]
    if item.type == "matrix":
        sheet.append(
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
            ]
        )
        for row in item.rows:
            sheet.append(
                [f"select_one {item.choices}", f"{item.key}__{row.code}", row.label, "", required]
            )
        sheet.append(["end group", item.key])
        return
    if item.type in ("select_one", "select_multiple"):
        kind = f"{item.type} {item.choices}{' or_other' if item.other else ''}"
        sheet.append([kind, item.key, item.label, *common, "", "", *_extra(item)])
    elif item.type == "yes_no":
        sheet.append([f"select_one {YES_NO_LIST}", item.key, item.label, *common])
    elif item.type == "scale":
        sheet.append(
            ["range", item.key, item.label, *common, "", "start=1 end=5 step=1", *_extra(item)]
        )
    elif item.type == "textarea":
        sheet.append(["text", item.key, item.label, *common, "multiline", "", *_extra(item)])
    else:
        sheet.append([item.type, item.key, item.label, *common, "", "", *_extra(item)])


def _extra(item: Any) -> list[Any]:
    values = [getattr(item, name, None) for name in EXTRA]
    return [
        "yes" if value is True else "" if value is None or value is False else value
        for value in values
    ]
