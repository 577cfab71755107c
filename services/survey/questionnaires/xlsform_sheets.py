"""The sheets of an XLSForm as rows, each cell checked against what the service takes.

`xlsform_support.json` says, column by column, what is supported, what is ours, what is refused
and why; a column the specification does not know is refused too, so that nothing in a file is
dropped without a word. Each refusal names its sheet, row and column.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

SUPPORT_FILE = Path(__file__).with_name("xlsform_support.json")
MAX_ROWS = 2000
MAX_PROBLEMS = 200


@cache
def support() -> dict[str, Any]:
    """The table of what is supported (read once)."""
    table: dict[str, Any] = json.loads(SUPPORT_FILE.read_text("utf-8"))
    return table


@dataclass(frozen=True)
class Problem:
    sheet: str
    line: int | None
    column: str | None
    message: str

    def text(self) -> str:
        where = [f"feuille {self.sheet}"]
        if self.line is not None:
            where.append(f"ligne {self.line}")
        if self.column is not None:
            where.append(f"colonne {self.column}")
        return f"{', '.join(where)} : {self.message}"


@dataclass
class Problems:
    found: list[Problem] = field(default_factory=list)

    def add(self, sheet: str, line: int | None, column: str | None, message: str) -> None:
        if len(self.found) < MAX_PROBLEMS:
            self.found.append(Problem(sheet, line, column, message))


@dataclass(frozen=True)
class Row:
    """One line of a sheet: its cells by canonical column name (`label::English (en)` kept)."""

    sheet: str
    line: int
    cells: dict[str, str]

    def get(self, column: str, default: str = "") -> str:
        return self.cells.get(column, default)


class TooLarge(ValueError):
    """A sheet longer than the service reads."""


def read_rows(workbook: Any, name: str, problems: Problems) -> list[Row]:
    """The non-empty rows of a sheet, with their cells checked; [] when the sheet is absent."""
    if name not in workbook.sheetnames:
        return []
    rows = workbook[name].iter_rows(values_only=True)
    headers = [
        _canonical(name, str(cell).strip()) if cell is not None else "" for cell in next(rows, ())
    ]
    result: list[Row] = []
    for number, values in enumerate(rows, start=2):
        if number > MAX_ROWS:
            raise TooLarge(f"La feuille « {name} » dépasse {MAX_ROWS} lignes.")
        cells = {
            headers[i]: str(value).strip()
            for i, value in enumerate(values)
            if i < len(headers) and headers[i] and value is not None and str(value).strip()
        }
        if not cells:
            continue
        for column in cells:
            reason = _refusal(name, column)
            if reason is not None:
                problems.add(name, number, column, reason)
        result.append(Row(name, number, cells))
    return result


def _sheet_table(sheet: str) -> dict[str, Any]:
    table = support()
    key = {"survey": "survey_columns", "choices": "choices_columns"}.get(sheet, "settings_columns")
    section: dict[str, Any] = table[key]
    return section


def _canonical(sheet: str, header: str) -> str:
    """The column a header names: lower case, aliases resolved, the language kept as written."""
    base, colons, language = header.partition("::")
    base = base.strip().lower()
    base = _sheet_table(sheet).get("aliases", {}).get(base, base)
    return f"{base}::{language.strip()}" if colons else base


def _refusal(sheet: str, column: str) -> str | None:
    """Why a filled cell of this column is refused, or None when the service takes it."""
    table = support()
    section = _sheet_table(sheet)
    base, colons, _language = column.partition("::")
    for prefix, _reason in table["ignored_column_prefixes"].items():
        if column.startswith(prefix):
            return None
    if colons:
        if base in section.get("translatable", []):
            return None
        refused = table["refused_columns"] if sheet == "survey" else section.get("refused", {})
        return str(refused.get(base, f"la colonne « {column} » n'est pas prise en charge"))
    if base in section["supported"] or base in section.get("ours", []):
        return None
    refused = table["refused_columns"] if sheet == "survey" else section.get("refused", {})
    if base in refused:
        return str(refused[base])
    if sheet == "choices":
        return None  # a property of the choice, read by choice_filter
    return f"la colonne « {column} » n'est pas une colonne XLSForm prise en charge"


def languages_of(rows: list[Row]) -> list[str]:
    """The languages named in the headers (`label::English (en)`), in the order met."""
    found: list[str] = []
    for row in rows:
        for column in row.cells:
            _base, colons, language = column.partition("::")
            if colons and language not in found:
                found.append(language)
    return found
