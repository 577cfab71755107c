"""XLSForm import and export (survey, choices and settings sheets), with openpyxl.

Supported: select_one / select_multiple (with `or_other`), integer, decimal, text (multiline
appearance: long text), date, note, range 1–5 (scale), groups (sections; a `table-list` group
of select_one sharing one list is a matrix), `yes_no` written as select_one; `required`,
`relevant`, `constraint`, `constraint_message`, `hint`. Metadata fields (start, end, today,
deviceid…) are skipped. Every other row is refused, each one named.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from pydantic import ValidationError

from services.common.archives import check_xlsx
from services.common.errors import Unprocessable
from services.survey.definition import Definition
from services.survey.questionnaires.xlsform_expressions import (
    FormulaError,
    from_xlsform,
)

METADATA = {
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "audit",
}
EXCLUSIVE_CODES = {"nsp", "none", "aucun", "aucune", "dont_know"}
# Columns of our own, which KoboToolbox and ODK keep and ignore.
EXTRA = ("min", "max", "unit", "dont_know", "max_length")
SIMPLE = {"integer": "integer", "decimal": "decimal", "text": "text", "date": "date"}
YES = {"yes", "true", "true()", "oui", "1"}
MAX_ROWS = 2000
YES_NO_LIST = "oui_non_nsp"


class XlsFormRefused(Unprocessable):
    """An XLSForm that cannot become a questionnaire, with what to correct."""


def _refuse(detail: str, errors: list[str] | None = None) -> XlsFormRefused:
    return XlsFormRefused(
        detail,
        extra={
            "errors": [
                {"loc": ["body", "file"], "msg": error, "type": "xlsform"} for error in errors or []
            ]
        },
    )


def _sheet(workbook: Any, name: str) -> list[dict[str, Any]]:
    """The rows of a sheet as dictionaries keyed by lower-case header, with their line number."""
    if name not in workbook.sheetnames:
        return []
    rows = workbook[name].iter_rows(values_only=True)
    header = [str(cell).strip().lower() if cell is not None else "" for cell in next(rows, ())]
    result = []
    for number, row in enumerate(rows, start=2):
        if number > MAX_ROWS:
            raise _refuse(f"La feuille « {name} » dépasse {MAX_ROWS} lignes.")
        values = {
            header[i]: (str(cell).strip() if cell is not None else "")
            for i, cell in enumerate(row)
            if i < len(header) and header[i]
        }
        if any(values.values()):
            values["_line"] = str(number)
            result.append(values)
    return result


def _label(row: dict[str, str], column: str = "label") -> str:
    if row.get(column):
        return row[column]
    for key, value in row.items():
        if key.startswith(column + "::") and value:
            return value
    return ""


def read_xlsform(data: bytes) -> Definition:
    """The definition an XLSForm describes; 422 naming each row that cannot be taken."""
    check_xlsx(data, document="classeur XLSForm")  # sizes, bombs, entities: before openpyxl
    # Imported here: openpyxl imports NumPy, which importing the service should not load.
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise _refuse(
            f"Ce fichier n'est pas un classeur XLSForm (.xlsx) lisible : {type(error).__name__}."
        ) from None
    if "survey" not in workbook.sheetnames:
        raise _refuse("Le classeur n'a pas de feuille « survey » : ce n'est pas un XLSForm.")
    survey, choices, settings = (
        _sheet(workbook, name) for name in ("survey", "choices", "settings")
    )
    errors: list[str] = []
    lists: dict[str, list[dict[str, Any]]] = {}
    for row in choices:
        name = row.get("list_name") or row.get("list name") or ""
        if not name or not row.get("name"):
            errors.append(f"choices, ligne {row['_line']} : list_name et name sont requis")
            continue
        choice = {"code": row["name"], "label": _label(row) or row["name"]}
        # Our own column; without it, the usual "none / don't know" codes are exclusive.
        written = row.get("exclusive", "").lower()
        if written in YES or (
            not written and "exclusive" not in row and row["name"] in EXCLUSIVE_CODES
        ):
            choice["exclusive"] = True
        lists.setdefault(name, []).append(choice)
    items = _items(survey, lists, errors)
    setting = settings[0] if settings else {}
    document = {
        "key": _key(setting.get("form_id") or "questionnaire_importe"),
        "version": (setting.get("version") or "1")[:40],
        "title": setting.get("form_title") or "Questionnaire importé",
        "choice_lists": {_key(name): codes for name, codes in lists.items() if name != YES_NO_LIST},
        "items": items,
    }
    if errors:
        raise _refuse(f"{len(errors)} ligne(s) du XLSForm ne sont pas prises en charge.", errors)
    try:
        return Definition.model_validate(document)
    except ValidationError as error:
        messages = [
            f"{'/'.join(str(part) for part in e['loc'])} : {e['msg']}" for e in error.errors()[:20]
        ]
        raise _refuse("Le questionnaire importé n'est pas valable.", messages) from None


def _key(name: str) -> str:
    cleaned = "".join(
        char if char.isalnum() or char == "_" else "_" for char in name.strip().lower()
    )
    if not cleaned or not cleaned[0].isalpha():
        cleaned = "q_" + cleaned
    return cleaned[:63]


def _items(
    survey: list[dict[str, str]], lists: dict[str, Any], errors: list[str]
) -> list[dict[str, Any]]:
    root: list[dict[str, Any]] = []
    stack: list[dict[str, Any]] = []
    multiple: set[str] = set()
    for row in survey:
        line = f"survey, ligne {row['_line']}"
        written = " ".join((row.get("type") or "").lower().split())
        for joined in ("begin_group", "end_group", "begin_repeat", "end_repeat"):
            written = written.replace(joined, joined.replace("_", " "))
        kind, _, argument = written.partition(" ")
        argument = argument.strip()
        if kind in METADATA and not argument:
            continue
        if kind == "begin" and argument.startswith("group"):
            stack.append(
                {
                    "kind": "section",
                    "key": _key(row.get("name", "")),
                    "label": _label(row) or row.get("name", ""),
                    "items": [],
                    "_appearance": row.get("appearance", ""),
                    "_row": row,
                }
            )
            continue
        if kind == "end" and argument.startswith("group"):
            if not stack:
                errors.append(f"{line} : « end group » sans « begin group »")
                continue
            section = stack.pop()
            (stack[-1]["items"] if stack else root).append(
                _close_section(section, errors, multiple)
            )
            continue
        try:
            item = _question(row, kind, argument, lists, multiple)
        except FormulaError as error:
            errors.append(f"{line} : {error}")
            continue
        if item is None:
            errors.append(f"{line} : le type « {row.get('type')} » n'est pas pris en charge")
            continue
        (stack[-1]["items"] if stack else root).append(item)
    if stack:
        errors.append("survey : un « begin group » n'est pas fermé")
    return root


def _close_section(
    section: dict[str, Any], errors: list[str], multiple: set[str]
) -> dict[str, Any]:
    row = section.pop("_row")
    appearance = section.pop("_appearance")
    children = section["items"]
    if (
        appearance == "table-list"
        and children
        and all(c.get("type") == "select_one" for c in children)
        and len({c["choices"] for c in children}) == 1
    ):
        prefix = section["key"] + "__"
        matrix: dict[str, Any] = {
            "kind": "question",
            "key": section["key"],
            "type": "matrix",
            "label": section["label"],
            "choices": children[0]["choices"],
            "rows": [
                {
                    "code": c["key"][len(prefix) :] if c["key"].startswith(prefix) else c["key"],
                    "label": c["label"],
                }
                for c in children
            ],
        }
        if children[0].get("required"):
            matrix["required"] = True
        if row.get("hint"):
            matrix["hint"] = row["hint"]
        section = matrix
    elif row.get("hint"):
        section["description"] = row["hint"]
    if row.get("relevant"):
        try:
            section["relevant"] = from_xlsform(
                row["relevant"], self_key=section["key"], multiple=multiple
            )
        except FormulaError as error:
            errors.append(f"survey, ligne {row['_line']} (relevant) : {error}")
    if section["kind"] == "section" and not children:
        children.append(
            {"kind": "note", "key": section["key"] + "_vide", "label": section["label"]}
        )
    return section


def _question(
    row: dict[str, str], kind: str, argument: str, lists: dict[str, Any], multiple: set[str]
) -> dict[str, Any] | None:
    key = _key(row.get("name", ""))
    item: dict[str, Any] = {"kind": "question", "key": key, "label": _label(row) or key}
    if kind == "note":
        item = {"kind": "note", "key": key, "label": item["label"]}
    elif kind == "select_one" and argument == YES_NO_LIST:
        item["type"] = "yes_no"
    elif kind in ("select_one", "select_multiple"):
        name, _, other = argument.partition(" ")
        item.update(type=kind, choices=_key(name))
        if other.strip() == "or_other":
            item["other"] = {"code": "other", "key": f"{key}_other"[:63]}
        if kind == "select_multiple":
            multiple.add(key)
    elif kind in SIMPLE:
        item["type"] = (
            "textarea"
            if kind == "text" and "multiline" in row.get("appearance", "")
            else SIMPLE[kind]
        )
    elif kind == "range" and row.get("parameters", "").replace(" ", "") in (
        "start=1end=5",
        "start=1end=5step=1",
    ):
        item["type"] = "scale"
    else:
        return None
    if _label(row, "hint"):
        item["hint"] = _label(row, "hint")
    for name in EXTRA:
        if row.get(name):
            value = row[name]
            try:
                item[name] = (
                    value.lower() in YES
                    if name == "dont_know"
                    else value
                    if name == "unit"
                    else float(value)
                )
            except ValueError:
                raise FormulaError(f"{name} « {value[:20]} » n'est pas un nombre") from None
    if row.get("required", "").lower() in YES and kind != "note":
        item["required"] = True
    if row.get("relevant"):
        item["relevant"] = from_xlsform(row["relevant"], self_key=key, multiple=multiple)
    if row.get("constraint") and kind != "note":
        item["constraint"] = from_xlsform(row["constraint"], self_key=key, multiple=multiple)
        if _label(row, "constraint_message"):
            item["constraint_message"] = _label(row, "constraint_message")[:300]
    return item
