"""The expression language and the answer rules give the same result in Python and in the
browser's TypeScript, on every case of the shared vectors file; the XLSForm text of each
expression case reads to its tree, and the tree writes back to a text that reads the same."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from services.survey.definition import Definition, flatten
from services.survey.expressions import (
    check_expression,
    check_value,
    evaluate,
    evaluate_value,
    to_boolean,
)
from services.survey.questionnaires.xlsform_expressions import (
    from_xlsform,
    to_xlsform,
    value_from_xlsform,
)
from services.survey.rules import check_answers, relevant_answers

ROOT = Path(__file__).resolve().parents[2]
VECTORS = json.loads((ROOT / "services/survey/expressions/vectors.json").read_text("utf-8"))
DEFINITION = Definition.model_validate(VECTORS["definition"])
FLATS = flatten(DEFINITION)
CASES = [{**VECTORS["expression_defaults"], **case} for case in VECTORS["expressions"]]
MULTIPLE = set(VECTORS["multiple"])
SELF = "self"
SPECIAL = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


@cache
def typescript_results() -> dict[str, Any]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node est requis pour vérifier les règles TypeScript")
    completed = subprocess.run(
        [node, str(ROOT / "tests/survey/vectors.mjs")],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    results: dict[str, Any] = json.loads(completed.stdout)
    return results


def expected_value(case: dict[str, Any]) -> Any:
    expected = case["expected"]
    if isinstance(expected, dict) and set(expected) == {"number"}:
        return SPECIAL[expected["number"]]
    return expected


def same(got: Any, expected: Any) -> bool:
    """Equal and of the same XPath type: True is not 1, NaN is NaN, 3.0 is 3."""
    numbers = (int, float)
    if isinstance(got, bool) or isinstance(expected, bool):
        return type(got) is type(expected) and got == expected
    if isinstance(got, numbers) and isinstance(expected, numbers):
        both_nan = math.isnan(got) and math.isnan(expected)
        return both_nan or bool(got == expected)
    return type(got) is type(expected) and got == expected


def decoded(value: Any) -> Any:
    """A value the TypeScript runner printed, NaN and infinities spelt out as in vectors.json."""
    if isinstance(value, dict) and set(value) == {"number"}:
        return SPECIAL[value["number"]]
    return value


def value_of(tree: Any, case: dict[str, Any]) -> Any:
    return evaluate_value(tree, case["answers"], case["org"], today=case.get("today"))


def python_value_code(case: dict[str, Any]) -> str | None:
    answers = {**case["answers"], case["key"]: case["value"]}
    problems = check_answers(
        DEFINITION, FLATS, answers, case["org"], keys={case["key"]}, complete=case["complete"]
    )
    return problems[0].code if problems else None


def test_the_table_covers_every_rule_with_enough_cases() -> None:
    groups = {case["group"] for case in CASES}
    assert len(CASES) >= 150
    for rule in ("coercion", "equality", "relational", "dates", "empty", "multiple choice"):
        assert any(group.startswith(rule) for group in groups), rule
    for rule in ("arithmetic", "precedence", "NaN and Infinity", "functions"):
        assert rule in groups


@pytest.mark.parametrize("index", range(len(CASES)))
def test_expression(index: int) -> None:
    case = CASES[index]
    tree = case["expression"]
    check_value(tree)
    if isinstance(tree, dict) and "op" in tree:
        check_expression(tree)
    expected = expected_value(case)
    got = value_of(tree, case)
    assert same(got, expected), (case["name"], got)
    truth = evaluate(tree, case["answers"], case["org"], today=case.get("today"))
    assert truth is to_boolean(expected), case["name"]
    typescript = typescript_results()["expressions"][index]
    assert same(decoded(typescript["value"]), expected), (case["name"], typescript)
    assert typescript["truth"] is truth, case["name"]


XLSFORM_CASES = [case for case in CASES if "xlsform" in case]


@pytest.mark.parametrize("index", range(len(XLSFORM_CASES)))
def test_formula_reads_and_writes_back(index: int) -> None:
    case = XLSFORM_CASES[index]
    read = from_xlsform if case.get("condition") else value_from_xlsform
    tree = read(case["xlsform"], self_key=SELF, multiple=MULTIPLE)
    assert tree == case["expression"], case["name"]
    written = to_xlsform(tree, self_key=SELF)
    assert read(written, self_key=SELF, multiple=MULTIPLE) == tree, (case["name"], written)


@pytest.mark.parametrize("index", range(len(CASES)))
def test_written_formula_means_the_same(index: int) -> None:
    """Trees the parser does not produce (`in`, `includes_any`…) are written as XLSForm too:
    what is written reads back to an expression of the same value."""
    case = CASES[index]
    written = to_xlsform(case["expression"], self_key=SELF)
    tree = value_from_xlsform(written, self_key=SELF, multiple=MULTIPLE)
    assert same(value_of(tree, case), expected_value(case)), (case["name"], written)


@pytest.mark.parametrize("index", range(len(VECTORS["values"])))
def test_value(index: int) -> None:
    case = VECTORS["values"][index]
    assert python_value_code(case) == case["expected"], case["name"]
    assert typescript_results()["values"][index] == case["expected"], case["name"]


@pytest.mark.parametrize("index", range(len(VECTORS["relevance"])))
def test_relevance(index: int) -> None:
    case = VECTORS["relevance"][index]
    kept, relevant = relevant_answers(FLATS, case["answers"], case["org"])
    assert (kept, sorted(relevant)) == (case["kept"], case["relevant"]), case["name"]
    assert typescript_results()["relevance"][index] == {
        "kept": case["kept"],
        "relevant": case["relevant"],
    }, case["name"]
