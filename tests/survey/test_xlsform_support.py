"""The table of what the service takes of an XLSForm is valid data, classifies everything pyxform
knows, and docs/xlsform.md says the same."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema_rs
from pyxform import aliases  # type: ignore[import-untyped]
from pyxform.question_type_dictionary import QUESTION_TYPE_DICT  # type: ignore[import-untyped]

from services.survey.questionnaires.xlsform_sheets import SUPPORT_FILE, support

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs/xlsform.md").read_text("utf-8")


def test_the_table_is_valid_against_its_schema() -> None:
    schema = json.loads(SUPPORT_FILE.with_name("xlsform_support.schema.json").read_text("utf-8"))
    jsonschema_rs.validate(schema, support())


def test_every_question_type_pyxform_knows_is_taken_or_refused() -> None:
    table = support()
    taken = {alias for names in table["types"].values() for alias in names}
    classified = taken | set(table["metadata"]["types"]) | set(table["refused_types"])
    assert {name for name in QUESTION_TYPE_DICT if name not in classified} == set()
    for name in [*aliases.select, *aliases.select_from_file]:
        assert name in classified or name.replace(" ", "_") in classified, name


def test_every_survey_column_pyxform_knows_is_taken_or_refused() -> None:
    columns = support()["survey_columns"]
    known = (
        set(columns["supported"])
        | set(columns["aliases"])
        | set(columns["ours"])
        | set(support()["refused_columns"])
    )
    unknown = {
        name
        for name in aliases.survey_header
        if name not in known
        and not name.startswith("sms_")
        and name != "command"
        and name not in ("tag", "value", "caption", "body")
    }
    assert unknown == set()


def test_the_documentation_names_every_refusal() -> None:
    table = support()
    named = set(re.findall(r"`([^`]+)`", DOC))
    for name in [
        *table["refused_types"],
        *table["refused_columns"],
        *table["settings_columns"]["refused"],
    ]:
        assert name in named or any(name in part for part in named), name
    for name in table["survey_columns"]["supported"]:
        assert name in named, name
