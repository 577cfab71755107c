"""A `calculate` item in a definition: what is accepted, what is refused and why, and what the
served JSON Schema says of it and of value expressions."""

from __future__ import annotations

import copy
import io
from typing import Any

import jsonschema_rs  # comes with schemathesis (dev dependencies)
import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]
from pydantic import ValidationError

from services.survey.definition import Definition, flatten, json_schema
from services.survey.questionnaires.xlsform import XlsFormRefused, read_xlsform
from services.survey.rules import progress, relevant_answers

RATIO = {"op": "div", "args": [{"var": "projets"}, {"var": "agents"}]}
DOCUMENT: dict[str, Any] = {
    "key": "calculs",
    "version": "1",
    "title": "Calculs",
    "items": [
        {"kind": "question", "key": "agents", "type": "integer", "label": "Agents"},
        {"kind": "question", "key": "projets", "type": "integer", "label": "Projets"},
        {"kind": "calculate", "key": "ratio", "label": "Projets par agent", "calculation": RATIO},
        {
            "kind": "question",
            "key": "detail",
            "type": "text",
            "label": "Détail",
            "relevant": {"op": "gt", "args": [{"var": "ratio"}, 0.5]},
        },
    ],
}


def with_calculation(calculation: Any, position: int = 2) -> dict[str, Any]:
    document = copy.deepcopy(DOCUMENT)
    document["items"][position]["calculation"] = calculation
    return document


def test_a_calculation_is_computed_in_order_and_counts_as_no_question() -> None:
    flats = flatten(Definition.model_validate(DOCUMENT))
    answers = {"agents": 4, "projets": 3, "detail": "OCR"}

    kept, relevant = relevant_answers(flats, answers, {})

    assert kept == {"agents": 4, "projets": 3, "ratio": 0.75, "detail": "OCR"}
    assert relevant == {"agents", "projets", "ratio", "detail"}
    assert progress(flats, answers, {}) == {"answered": 3, "relevant": 3}


@pytest.mark.parametrize(
    ("calculation", "message"),
    [
        (
            {"op": "div", "args": [{"var": "detail"}, 2]},
            "« detail » n'est pas une question qui précède",
        ),
        ({"op": "round", "args": []}, "« round » prend 1 à 2 opérande(s)"),
        ({"op": "sqrt", "args": [4]}, "opérateur inconnu « sqrt »"),
        ({"op": "add", "args": [{"var": "agents"}, {"nope": 1}]}, "un opérande est une valeur"),
    ],
)
def test_a_wrong_calculation_is_refused_saying_why(calculation: Any, message: str) -> None:
    with pytest.raises(ValidationError) as raised:
        Definition.model_validate(with_calculation(calculation))
    assert message in str(raised.value)


def test_the_served_schema_knows_calculations_and_value_expressions() -> None:
    validator = jsonschema_rs.validator_for(json_schema())
    nested = copy.deepcopy(DOCUMENT)
    nested["items"][3]["relevant"] = {
        "op": "lte",
        "args": [{"op": "add", "args": [{"var": "ratio"}, 1]}, {"op": "number", "args": ["2"]}],
    }

    assert validator.is_valid(DOCUMENT)
    assert validator.is_valid(nested)
    assert not validator.is_valid(with_calculation({"op": "round", "args": []}))
    assert not validator.is_valid(with_calculation("12"))


def _workbook(rows: list[list[str]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "survey"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_calculate_row_without_formula_or_with_an_unsupported_one_is_named() -> None:
    data = _workbook(
        [
            ["type", "name", "label", "calculation"],
            ["integer", "agents", "Agents", ""],
            ["calculate", "vide", "", ""],
            ["calculate", "morceau", "", "substr(${agents}, 0, 1)"],
            ["calculate", "chemin", "", "/data/agents + 1"],
        ]
    )

    with pytest.raises(XlsFormRefused) as raised:
        read_xlsform(data)

    messages = [error["msg"] for error in raised.value.extra["errors"]]
    assert messages == [
        "feuille survey, ligne 3, colonne calculation : un « calculate » demande une formule dans cette colonne",
        "feuille survey, ligne 4, colonne calculation : la fonction « substr() » n'est pas prise en charge",
        "feuille survey, ligne 5, colonne calculation : le chemin XPath « /data/agents + 1 » : non pris en charge",
    ]


def test_a_literal_calculation_is_kept_as_an_operation() -> None:
    data = _workbook(
        [
            ["type", "name", "label", "calculation"],
            ["calculate", "annee", "Année", "2026"],
            ["calculate", "source", "", "'import'"],
        ]
    )

    items = read_xlsform(data).model_dump(exclude_none=True)["items"]

    assert [item["calculation"] for item in items] == [
        {"op": "number", "args": [2026]},
        {"op": "string", "args": ["import"]},
    ]
