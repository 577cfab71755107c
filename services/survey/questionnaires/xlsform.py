"""XLSForm import (survey, choices and settings sheets), with openpyxl.

What is taken, column by column and type by type, is `xlsform_support.json` (in French in
docs/xlsform.md). In short: select_one / select_multiple (with `or_other` and `choice_filter`),
integer, decimal, text (multiline appearance: long text), date, note, calculate, range 1–5
(scale), groups (sections; a `table-list` group of select_one sharing one list is a matrix),
`yes_no` written as select_one; `required` and `required_message`, `relevant`, `constraint` and
`constraint_message`, `hint` and `guidance_hint`, `default`, `appearance`, every language of the
translatable columns. Device metadata (start, end, today…) are not questions and are left out.
Anything else is refused, each construct named with its sheet, row and column.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from pydantic import ValidationError

from services.common.archives import check_xlsx
from services.common.errors import Unprocessable
from services.survey.definition import Definition
from services.survey.questionnaires import xlsform_authorities
from services.survey.questionnaires.xlsform_choice_filter import parse_choice_filter
from services.survey.questionnaires.xlsform_expressions import (
    FormulaError,
    from_xlsform,
    value_from_xlsform,
)
from services.survey.questionnaires.xlsform_languages import Languages
from services.survey.questionnaires.xlsform_sheets import (
    Problems,
    Row,
    TooLarge,
    read_rows,
    support,
)

EXCLUSIVE_CODES = {"nsp", "none", "aucun", "aucune", "dont_know"}
# Columns of our own, which KoboToolbox and ODK keep and ignore.
EXTRA = ("min", "max", "unit", "dont_know", "max_length", "min_label", "max_label")
NUMERIC_EXTRA = {"min", "max", "max_length"}
SIMPLE = {"integer": "integer", "decimal": "decimal", "text": "text", "date": "date"}
YES = {"yes", "true", "true()", "oui", "1"}
YES_NO_LIST = "oui_non_nsp"
OTHER_OF = "other_of"  # our column: this text is the "Autre, précisez" of that select


class XlsFormRefused(Unprocessable):
    """An XLSForm that cannot become a questionnaire, with what to correct."""


def _refuse(detail: str, problems: Problems | None = None) -> XlsFormRefused:
    return XlsFormRefused(
        detail,
        extra={
            "errors": [
                {
                    "loc": ["body", "file", p.sheet, p.line or 0, p.column or ""],
                    "msg": p.text(),
                    "type": "xlsform",
                }
                for p in (problems.found if problems else [])
            ]
        },
    )


def _open(data: bytes) -> Any:
    # Imported here: openpyxl imports NumPy, which importing the service should not load.
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise _refuse(
            f"Ce fichier n'est pas un classeur XLSForm (.xlsx) lisible : {type(error).__name__}."
        ) from None


def read_xlsform(data: bytes) -> Definition:
    """The definition an XLSForm describes; 422 naming each construct that cannot be taken."""
    check_xlsx(data, document="classeur XLSForm")  # sizes, bombs, entities: before openpyxl
    workbook = _open(data)
    if "survey" not in workbook.sheetnames:
        raise _refuse("Le classeur n'a pas de feuille « survey » : ce n'est pas un XLSForm.")
    problems = Problems()
    try:
        survey, choices, settings = (
            read_rows(workbook, name, problems) for name in ("survey", "choices", "settings")
        )
    except TooLarge as error:
        raise _refuse(str(error)) from None
    setting = settings[0] if settings else Row("settings", 2, {})
    languages = Languages.of(survey + choices, setting.get("default_language"))
    reader = _Reader(languages, problems)
    lists = reader.lists(choices)
    items = reader.items(survey, lists)
    document: dict[str, Any] = {
        "key": _key(setting.get("form_id") or "questionnaire_importe"),
        "version": (setting.get("version") or "1")[:40],
        "title": setting.get("form_title") or "Questionnaire importé",
        "choice_lists": {
            _key(name): codes
            for name, codes in lists.items()
            if name != YES_NO_LIST and _key(name) not in reader.derived
        },
        "items": items,
    }
    if setting.get("description"):
        document["description"] = setting.get("description")
    if languages.default is not None:
        document["default_language"] = languages.default
    if languages.translations:
        document["translations"] = languages.translations
    if problems.found:
        raise _refuse(
            f"{len(problems.found)} élément(s) du XLSForm ne sont pas pris en charge.", problems
        )
    try:
        return Definition.model_validate(document)
    except ValidationError as error:
        for e in error.errors()[:20]:
            problems.add("survey", None, None, f"{'/'.join(str(p) for p in e['loc'])} : {e['msg']}")
        raise _refuse("Le questionnaire importé n'est pas valable.", problems) from None


def _key(name: str) -> str:
    cleaned = "".join(
        char if char.isalnum() or char == "_" else "_" for char in name.strip().lower()
    )
    if not cleaned or not cleaned[0].isalpha():
        cleaned = "q_" + cleaned
    return cleaned[:63]


def _type_of(written: str) -> tuple[str, str]:
    """(canonical type, its argument) of a `type` cell, pyxform's synonyms resolved."""
    text = " ".join(written.split())
    for joined in ("begin_group", "end_group", "begin_repeat", "end_repeat", "begin_loop"):
        text = text.replace(joined, joined.replace("_", " "))
    lowered = text.lower()
    if lowered.startswith(("begin ", "end ")):
        return lowered, ""
    for canonical, aliases in support()["types"].items():
        for alias in sorted(aliases, key=len, reverse=True):
            if lowered == alias or lowered.startswith(alias + " "):
                return canonical, text[len(alias) :].strip()
    kind, _, argument = text.partition(" ")
    return kind, argument.strip()


class _Reader:
    def __init__(self, languages: Languages, problems: Problems) -> None:
        self.languages = languages
        self.problems = problems
        self.multiple: set[str] = set()
        self.list_keys: set[str] = set()
        self.derived: set[str] = set()

    def problem(self, row: Row, column: str | None, message: str) -> None:
        self.problems.add(row.sheet, row.line, column, message)

    def lists(self, rows: list[Row]) -> dict[str, list[dict[str, Any]]]:
        lists: dict[str, list[dict[str, Any]]] = {}
        known = {"list_name", "name", "label", "exclusive"}
        for row in rows:
            name, code = row.get("list_name"), row.get("name")
            if not name or not code:
                self.problem(row, None, "list_name et name sont requis")
                continue
            path = f"choice:{_key(name)}:{code}"
            choice: dict[str, Any] = {
                "code": code,
                "label": self.languages.text_and_translations(row, "label", path) or code,
            }
            # Our own column; without it, the usual "none / don't know" codes are exclusive.
            written = row.get("exclusive").lower()
            if written in YES or (not written and code in EXCLUSIVE_CODES):
                choice["exclusive"] = True
            properties = {
                column: value
                for column, value in row.cells.items()
                if column not in known and "::" not in column and not column.startswith("$")
            }
            if properties:
                choice["properties"] = properties
            lists.setdefault(name, []).append(choice)
        self.list_keys = {_key(name) for name in lists}
        return lists

    def items(self, rows: list[Row], lists: dict[str, Any]) -> list[dict[str, Any]]:
        root: list[dict[str, Any]] = []
        stack: list[dict[str, Any]] = []
        for row in rows:
            kind, argument = _type_of(row.get("type"))
            container = stack[-1]["items"] if stack else root
            if kind in support()["metadata"]["types"] and not argument:
                continue
            if xlsform_authorities.is_authority_row(row.get("name"), kind):
                continue
            if kind == "begin group":
                stack.append(self.section(row))
            elif kind == "end group":
                if not stack:
                    self.problem(row, "type", "« end group » sans « begin group »")
                    continue
                section = stack.pop()
                (stack[-1]["items"] if stack else root).append(self.close(section))
            elif row.get(OTHER_OF) and self.attach_other(row, container):
                continue
            else:
                item = self.question(row, kind, argument, lists)
                if item is not None:
                    container.append(item)
        if stack:
            self.problems.add("survey", None, None, "un « begin group » n'est pas fermé")
        return root

    def section(self, row: Row) -> dict[str, Any]:
        key = _key(row.get("name"))
        section: dict[str, Any] = {
            "kind": "section",
            "key": key,
            "label": self.languages.text_and_translations(row, "label", f"item:{key}:label")
            or row.get("name"),
            "items": [],
            "_row": row,
        }
        if row.get("appearance"):
            section["appearance"] = row.get("appearance")
        return section

    def close(self, section: dict[str, Any]) -> dict[str, Any]:
        row: Row = section.pop("_row")
        children = section["items"]
        hint = self.languages.text_and_translations(
            row, "hint", f"item:{section['key']}:description"
        )
        if _is_matrix(section):
            section = self.matrix(section, children)
            if hint:
                section["hint"] = hint
        elif hint:
            section["description"] = hint
        if row.get("relevant"):
            self.formula(row, "relevant", section)
        if section["kind"] == "section" and not children:
            children.append(
                {"kind": "note", "key": section["key"] + "_vide", "label": section["label"]}
            )
        return section

    def matrix(self, section: dict[str, Any], children: list[dict[str, Any]]) -> dict[str, Any]:
        prefix = section["key"] + "__"
        key = section["key"]
        rows = []
        for child in children:
            code = child["key"][len(prefix) :] if child["key"].startswith(prefix) else child["key"]
            rows.append({"code": code, "label": child["label"]})
            for texts in self.languages.translations.values():
                if f"item:{child['key']}:label" in texts:
                    texts[f"row:{key}:{code}"] = texts.pop(f"item:{child['key']}:label")
        matrix: dict[str, Any] = {
            "kind": "question",
            "key": key,
            "type": "matrix",
            "label": section["label"],
            "choices": children[0]["choices"],
            "rows": rows,
        }
        if children[0].get("required"):
            matrix["required"] = True
        return matrix

    def formula(self, row: Row, column: str, into: dict[str, Any]) -> None:
        try:
            into[column] = from_xlsform(
                row.get(column), self_key=into["key"], multiple=self.multiple
            )
        except FormulaError as error:
            self.problem(row, column, str(error))

    def attach_other(self, row: Row, container: list[dict[str, Any]]) -> bool:
        """Our explicit "Autre, précisez" text (a code other than ODK's `other`)."""
        select = container[-1] if container else None
        if select is None or select.get("key") != _key(row.get(OTHER_OF)):
            self.problem(row, OTHER_OF, "other_of doit nommer la question de choix qui précède")
            return True
        try:
            condition = from_xlsform(row.get("relevant"), self_key="", multiple=self.multiple)
            code = condition["args"][1]
        except (FormulaError, KeyError, IndexError, TypeError):
            self.problem(row, "relevant", "attendu : selected(${question}, 'code')")
            return True
        select["other"] = {"code": str(code), "key": _key(row.get("name"))}
        derived = select["choices"]
        base = derived.removesuffix(f"__{code}")
        if base != derived and base in self.list_keys:
            # The list our export writes for a code other than ODK's "other" (xlsform_export).
            select["choices"] = base
            self.derived.add(derived)
        return True

    def question(
        self, row: Row, kind: str, argument: str, lists: dict[str, Any]
    ) -> dict[str, Any] | None:
        refused = support()["refused_types"]
        written = " ".join(row.get("type").split())
        for name in (written, kind.removeprefix("begin ").removeprefix("end "), kind):
            if name in refused:
                self.problem(row, "type", f"« {row.get('type')} » : {refused[name]}")
                return None
        key = _key(row.get("name"))
        if kind == "calculate":
            return self.calculate(row, key)
        texts = self.languages
        item: dict[str, Any] = {
            "kind": "question",
            "key": key,
            "label": texts.text_and_translations(row, "label", f"item:{key}:label") or key,
        }
        if kind == "note":
            item = {"kind": "note", "key": key, "label": item["label"]}
        elif kind == "select_one" and argument == YES_NO_LIST:
            item["type"] = "yes_no"
        elif kind in ("select_one", "select_multiple"):
            if not self.select(row, kind, argument, lists, item):
                return None
        elif kind in SIMPLE:
            item["type"] = SIMPLE[kind]
            words = row.get("appearance").split()
            if kind == "text" and "multiline" in words:
                item["type"] = "textarea"
                words.remove("multiline")
            if words:
                item["appearance"] = " ".join(words)
        elif kind == "range":
            written = " ".join(row.get("parameters").split())
            if written not in support()["range_parameters"]:
                self.problem(
                    row,
                    "parameters",
                    "seule l'échelle de 1 à 5 (start=1 end=5) est prise en charge",
                )
                return None
            item["type"] = "scale"
        else:
            self.problem(
                row,
                "type",
                f"le type « {row.get('type')} » n'est pas un type XLSForm pris en charge",
            )
            return None
        self.common(row, kind, item)
        return item

    def calculate(self, row: Row, key: str) -> dict[str, Any] | None:
        """A `calculate` row: its `calculation` (required), its label as the export's column title."""
        if not row.get("calculation"):
            self.problem(
                row, "calculation", "un « calculate » demande une formule dans cette colonne"
            )
            return None
        try:
            tree = value_from_xlsform(row.get("calculation"), self_key=key, multiple=self.multiple)
        except FormulaError as error:
            self.problem(row, "calculation", str(error))
            return None
        if not isinstance(tree, dict):
            # A literal alone: kept as number() or string() of itself, an operation like the others.
            tree = {"op": "string" if isinstance(tree, str) else "number", "args": [tree]}
        item: dict[str, Any] = {"kind": "calculate", "key": key, "calculation": tree}
        label = self.languages.text_and_translations(row, "label", f"item:{key}:label")
        if label:
            item["label"] = label
        if row.get("relevant"):
            self.formula(row, "relevant", item)
        return item

    def select(
        self, row: Row, kind: str, argument: str, lists: dict[str, Any], item: dict[str, Any]
    ) -> bool:
        name, _, other = argument.partition(" ")
        if name not in lists:
            self.problem(row, "type", f"la liste « {name} » n'est pas dans la feuille choices")
            return False
        item.update(type=kind, choices=_key(name))
        if other.strip() == "or_other":
            item["other"] = {"code": "other", "key": f"{item['key']}_other"[:63]}
        elif other.strip():
            self.problem(
                row, "type", f"« {other.strip()} » après la liste n'est pas pris en charge"
            )
        if kind == "select_multiple":
            self.multiple.add(item["key"])
        if row.get("appearance"):
            item["appearance"] = row.get("appearance")
        if row.get("choice_filter"):
            try:
                item["choice_filter"] = parse_choice_filter(
                    row.get("choice_filter"), self_key=item["key"], multiple=self.multiple
                )
            except FormulaError as error:
                self.problem(row, "choice_filter", str(error))
        return True

    def common(self, row: Row, kind: str, item: dict[str, Any]) -> None:
        key, texts = item["key"], self.languages
        for column in ("hint", "guidance_hint"):
            if texts.text(row, column):
                item[column] = texts.text_and_translations(row, column, f"item:{key}:{column}")
        if item["kind"] == "note":
            if row.get("relevant"):
                self.formula(row, "relevant", item)
            return
        for column in EXTRA:
            value = texts.text(row, column) if column.endswith("_label") else row.get(column)
            if not value:
                continue
            if column.endswith("_label"):
                item[column] = texts.text_and_translations(row, column, f"item:{key}:{column}")
            elif column == "dont_know":
                item[column] = value.lower() in YES
            elif column in NUMERIC_EXTRA:
                try:
                    number = float(value)
                except ValueError:
                    self.problem(row, column, f"« {value[:20]} » n'est pas un nombre")
                    continue
                item[column] = (
                    int(number) if column == "max_length" or number.is_integer() else number
                )
            else:
                item[column] = value
        required = row.get("required").lower()
        if required in YES:
            item["required"] = True
        elif required and required not in {"no", "false", "false()", "non", "0"}:
            self.problem(
                row, "required", "une condition d'obligation n'est pas prise en charge : yes ou no"
            )
        if texts.text(row, "required_message"):
            item["required_message"] = texts.text_and_translations(
                row, "required_message", f"item:{key}:required_message"
            )[:300]
        if row.get("default"):
            item["default"] = row.get("default")
        for column in ("relevant", "constraint"):
            if row.get(column):
                self.formula(row, column, item)
        if texts.text(row, "constraint_message"):
            item["constraint_message"] = texts.text_and_translations(
                row, "constraint_message", f"item:{key}:constraint_message"
            )[:300]


def _is_matrix(section: dict[str, Any]) -> bool:
    children = section["items"]
    return bool(
        section.get("appearance") == "table-list"
        and children
        and all(c.get("type") == "select_one" for c in children)
        and len({c["choices"] for c in children}) == 1
    )
