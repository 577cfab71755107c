"""A questionnaire version as an XLSForm workbook (survey, choices and settings sheets) that
pyxform converts and ODK Validate accepts, in every language of the definition; what XLSForm
cannot say goes into columns of ours that KoboToolbox and ODK ignore (see xlsform_support.json).
Importing the workbook back gives the same definition."""

from __future__ import annotations

import io
from typing import Any

from services.common.spreadsheets import printable
from services.survey.definition import YES_NO_CHOICES, Definition
from services.survey.questionnaires import xlsform_authorities
from services.survey.questionnaires.xlsform import EXCLUSIVE_CODES, EXTRA, OTHER_OF, YES_NO_LIST
from services.survey.questionnaires.xlsform_choice_filter import write_choice_filter
from services.survey.questionnaires.xlsform_expressions import to_xlsform
from services.survey.questionnaires.xlsform_sheets import support

SURVEY_COLUMNS = [
    "type",
    "name",
    "label",
    "hint",
    "guidance_hint",
    "required",
    "required_message",
    "relevant",
    "constraint",
    "constraint_message",
    "calculation",
    "default",
    "appearance",
    "parameters",
    "choice_filter",
    *EXTRA,
    OTHER_OF,
]
ODK_OTHER = "other"


class _Writer:
    """Rows as {column: value}; translatable columns get one column per language."""

    def __init__(self, definition: Definition) -> None:
        self.definition = definition
        self.translatable = set(support()["survey_columns"]["translatable"])
        self.rows: list[dict[str, Any]] = []
        self.lists: dict[str, list[dict[str, Any]]] = {}

    def column(self, name: str, language: str | None) -> str:
        return f"{name}::{language}" if language else name

    def texts(self, row: dict[str, Any], column: str, text: str | None, path: str) -> None:
        """A text in the default language and its translations."""
        if not text:
            return
        row[self.column(column, self.definition.default_language)] = text
        for language, texts in self.definition.translations.items():
            if path in texts:
                row[self.column(column, language)] = texts[path]

    def add(self, row: dict[str, Any]) -> None:
        self.rows.append(row)


def write_xlsform(definition: Definition) -> bytes:
    """The definition as an XLSForm workbook (survey, choices, settings)."""
    # Imported here: openpyxl imports NumPy, which importing the service should not load.
    from openpyxl import Workbook  # type: ignore[import-untyped]

    writer = _Writer(definition)
    if xlsform_authorities.uses_authority([item.model_dump() for item in definition.items]):
        writer.rows.extend(xlsform_authorities.survey_rows())
    for name, codes in definition.choice_lists.items():
        writer.lists[name] = [choice.model_dump() for choice in codes]
    for item in definition.items:
        _write_item(writer, item)
    if any(_uses_yes_no(item) for item in definition.items):
        writer.lists[YES_NO_LIST] = [
            {"code": code, "label": label, "exclusive": code == "nsp", "properties": {}}
            for code, label in YES_NO_CHOICES
        ]
    workbook = Workbook()
    _sheet(workbook.active, "survey", _ordered(writer.rows, SURVEY_COLUMNS), writer.rows)
    choices = _choice_rows(writer)
    _sheet(
        workbook.create_sheet("choices"),
        "choices",
        _ordered(choices, ["list_name", "name", "label", "exclusive"]),
        choices,
    )
    settings: dict[str, Any] = {
        "form_title": definition.title,
        "form_id": definition.key,
        "version": definition.version,
        "default_language": definition.default_language or "",
        "description": definition.description or "",
    }
    _sheet(workbook.create_sheet("settings"), "settings", list(settings), [settings])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _ordered(rows: list[dict[str, Any]], first: list[str]) -> list[str]:
    """The columns that hold a value: the known ones in order, each followed by its languages."""
    present = {column for row in rows for column, value in row.items() if value not in ("", None)}
    columns: list[str] = []
    for base in first:
        columns.extend(sorted(c for c in present if c == base or c.startswith(base + "::")))
    columns.extend(sorted(c for c in present if c not in columns))
    return columns or first[:2]


def _sheet(sheet: Any, title: str, columns: list[str], rows: list[dict[str, Any]]) -> None:
    sheet.title = title
    sheet.append(columns)
    for row in rows:
        sheet.append([printable(row.get(column, "")) for column in columns])
    # openpyxl stores a text starting with "=" as a formula: a label such as "=HYPERLINK(…)" must
    # stay the text it is, both for the spreadsheet opening it and for a re-import.
    for cells in sheet.iter_rows():
        for cell in cells:
            if cell.data_type == "f":
                cell.data_type = "s"


def _choice_rows(writer: _Writer) -> list[dict[str, Any]]:
    rows = []
    for name, choices in writer.lists.items():
        for choice in choices:
            row: dict[str, Any] = {"list_name": name, "name": choice["code"]}
            writer.texts(row, "label", choice["label"], f"choice:{name}:{choice['code']}")
            if choice.get("exclusive"):
                row["exclusive"] = "yes"
            elif choice["code"] in EXCLUSIVE_CODES:
                row["exclusive"] = "no"  # else the import takes these usual codes as exclusive
            row.update(choice.get("properties") or {})
            rows.append(row)
    return rows


def _uses_yes_no(item: Any) -> bool:
    if item.kind == "section":
        return any(_uses_yes_no(child) for child in item.items)
    return bool(item.kind == "question" and item.type == "yes_no")


def _formula(tree: Any, key: str) -> str:
    return to_xlsform(tree, self_key=key) if tree is not None else ""


def _write_item(writer: _Writer, item: Any) -> None:
    row: dict[str, Any] = {"name": item.key, "relevant": _formula(item.relevant, item.key)}
    writer.texts(row, "label", item.label, f"item:{item.key}:label")
    if item.kind == "section":
        row.update(type="begin group", appearance=item.appearance or "")
        writer.texts(row, "hint", item.description, f"item:{item.key}:description")
        writer.add(row)
        for child in item.items:
            _write_item(writer, child)
        writer.add({"type": "end group", "name": item.key})
        return
    if item.kind == "calculate":
        formula = to_xlsform(item.calculation, self_key=item.key)
        writer.add({**row, "type": "calculate", "calculation": formula})
        return
    writer.texts(row, "hint", item.hint, f"item:{item.key}:hint")
    if item.kind == "note":
        row["type"] = "note"
        writer.add(row)
        return
    _question(writer, item, row)


def _question(writer: _Writer, item: Any, row: dict[str, Any]) -> None:
    key = item.key
    writer.texts(row, "guidance_hint", item.guidance_hint, f"item:{key}:guidance_hint")
    writer.texts(row, "required_message", item.required_message, f"item:{key}:required_message")
    writer.texts(
        row, "constraint_message", item.constraint_message, f"item:{key}:constraint_message"
    )
    row.update(
        required="yes" if item.required else "",
        constraint=_formula(getattr(item, "constraint", None), key),
        default=item.default or "",
        appearance=item.appearance or "",
    )
    for name in EXTRA:
        value = getattr(item, name, None)
        if name.endswith("_label"):
            writer.texts(row, name, value, f"item:{key}:{name}")
        elif value is not None and value is not False:
            row[name] = "yes" if value is True else value
    if item.type == "matrix":
        _matrix(writer, item, row)
    elif item.type in ("select_one", "select_multiple"):
        _select(writer, item, row)
    elif item.type == "yes_no":
        writer.add({**row, "type": f"select_one {YES_NO_LIST}"})
    elif item.type == "scale":
        writer.add({**row, "type": "range", "parameters": "start=1 end=5 step=1"})
    elif item.type == "textarea":
        appearance = " ".join(filter(None, ["multiline", item.appearance]))
        writer.add({**row, "type": "text", "appearance": appearance})
    else:
        writer.add({**row, "type": item.type})


def _matrix(writer: _Writer, item: Any, row: dict[str, Any]) -> None:
    group = {
        key: row[key]
        for key in row
        if key.startswith(("label", "hint")) or key in ("name", "relevant")
    }
    writer.add({**group, "type": "begin group", "appearance": "table-list"})
    for matrix_row in item.rows:
        child: dict[str, Any] = {
            "type": f"select_one {item.choices}",
            "name": f"{item.key}__{matrix_row.code}",
            "required": "yes" if item.required else "",
        }
        writer.texts(child, "label", matrix_row.label, f"row:{item.key}:{matrix_row.code}")
        writer.add(child)
    writer.add({"type": "end group", "name": item.key})


def _select(writer: _Writer, item: Any, row: dict[str, Any]) -> None:
    other = item.other
    native = other is not None and other.code == ODK_OTHER and other.key == f"{item.key}_other"
    listed = item.choices
    if other is not None and not native:
        # ODK's or_other always uses the code "other": another code goes in a list of its own.
        listed = f"{item.choices}__{other.code}"[:63]
        writer.lists[listed] = [
            *writer.lists[item.choices],
            {"code": other.code, "label": "Autre", "exclusive": False, "properties": {}},
        ]
    kind = f"{item.type} {listed}{' or_other' if native else ''}"
    if item.choice_filter is not None:
        row["choice_filter"] = write_choice_filter(item.choice_filter, self_key=item.key)
    writer.add({**row, "type": kind})
    if other is not None and not native:
        text: dict[str, Any] = {
            "type": "text",
            "name": other.key,
            "relevant": f"selected(${{{item.key}}}, '{other.code}')",
            OTHER_OF: item.key,
        }
        text[writer.column("label", writer.definition.default_language)] = (
            f"{item.label} (autre, précisez)"
        )
        writer.add(text)
