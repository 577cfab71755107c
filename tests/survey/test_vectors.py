"""The expression language and the answer rules give the same result in Python and in the
browser's TypeScript, on every case of the shared vectors file."""

from __future__ import annotations

import json
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from services.survey.definition import Definition, flatten
from services.survey.expressions import check_expression, evaluate
from services.survey.rules import check_answers, relevant_answers

ROOT = Path(__file__).resolve().parents[2]
VECTORS = json.loads((ROOT / "services/survey/expressions/vectors.json").read_text("utf-8"))
DEFINITION = Definition.model_validate(VECTORS["definition"])
FLATS = flatten(DEFINITION)


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


def python_value_code(case: dict[str, Any]) -> str | None:
    answers = {**case["answers"], case["key"]: case["value"]}
    problems = check_answers(
        DEFINITION, FLATS, answers, case["org"], keys={case["key"]}, complete=case["complete"]
    )
    return problems[0].code if problems else None


@pytest.mark.parametrize("index", range(len(VECTORS["expressions"])))
def test_expression(index: int) -> None:
    case = VECTORS["expressions"][index]
    check_expression(case["expression"])
    assert evaluate(case["expression"], case["answers"], case["org"]) is case["expected"], case[
        "name"
    ]
    assert typescript_results()["expressions"][index] is case["expected"], case["name"]


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
