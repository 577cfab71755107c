"""Beyond the shared table: thousands of random expression trees give the same value in Python
and in TypeScript, and each written as an XLSForm formula reads back to the same value."""

from __future__ import annotations

import json
import math
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

from services.survey.expressions import ARITY, evaluate_value, to_string
from services.survey.questionnaires.xlsform_expressions import to_xlsform, value_from_xlsform

ROOT = Path(__file__).resolve().parents[2]
VECTORS = json.loads((ROOT / "services/survey/expressions/vectors.json").read_text("utf-8"))
DEFAULTS = VECTORS["expression_defaults"]
MULTIPLE = set(VECTORS["multiple"])
# XLSForm's selected() on a single-choice question reads as `=`: not the same for "sp", a text
# holding two words, nor for "b", a boolean answer that no question type gives.
VARIABLES = sorted(set(DEFAULTS["answers"]) - {"sp", "b"} | {"absent"})
LITERALS: list[Any] = [
    0, 1, 2, -1, 3, 12, 0.5, -2.5, 1e-7, 123456.789, "", "12", " 3 ", "abc", "a", "b",
    "2026-03-01", "1.5", "oui", True, False, None, ["a", "b"], ["3"],
]  # fmt: skip
LIST_OPS = {"in", "includes_any", "includes_all"}
OPS = sorted(set(ARITY) - {"today"})
COUNT = 3000
SEED = 20261204


def tree(rng: random.Random, depth: int) -> Any:
    if depth == 0 or rng.random() < 0.3:
        if rng.random() < 0.5:
            return {"var": rng.choice(VARIABLES)}
        return rng.choice(LITERALS)
    op = rng.choice(OPS)
    least, most = ARITY[op]
    count = rng.randint(least, most if most is not None else least + 3)
    args = [tree(rng, depth - 1) for _ in range(count)]
    if op in LIST_OPS:
        args[1] = rng.choice([["a", "b"], ["3", "x"], [], [1, "oui"]])
    return {"op": op, "args": args}


def same(got: Any, expected: Any) -> bool:
    if isinstance(got, bool) or isinstance(expected, bool):
        return type(got) is type(expected) and got == expected
    if isinstance(got, (int, float)) and isinstance(expected, (int, float)):
        return (math.isnan(got) and math.isnan(expected)) or bool(got == expected)
    return bool(got == expected)


def decoded(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"number"}:
        return {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}[value["number"]]
    return value


def loose(value: Any) -> Any:
    """A list literal is written as the string ODK would hold: compare lists as that string."""
    return to_string(value) if isinstance(value, list) else value


def value(expression: Any) -> Any:
    return evaluate_value(expression, DEFAULTS["answers"], DEFAULTS["org"], today=DEFAULTS["today"])


def test_random_trees_are_the_same_in_python_typescript_and_written_back(tmp_path: Path) -> None:
    rng = random.Random(SEED)  # noqa: S311 - reproducible cases, not secrets
    trees = [tree(rng, 4) for _ in range(COUNT)]
    cases = tmp_path / "cases.json"
    cases.write_text(
        json.dumps(
            {"expression_defaults": DEFAULTS, "expressions": [{"expression": t} for t in trees]}
        ),
        "utf-8",
    )
    node = shutil.which("node")
    assert node is not None, "node est requis pour vérifier les règles TypeScript"
    completed = subprocess.run(
        [node, str(ROOT / "tests/survey/vectors.mjs"), str(cases)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    typescript = json.loads(completed.stdout)["expressions"]

    for expression, answer in zip(trees, typescript, strict=True):
        ours = value(expression)
        assert same(ours, decoded(answer["value"])), (expression, ours, answer)
        written = to_xlsform(expression, self_key="")
        back = value(value_from_xlsform(written, self_key="", multiple=MULTIPLE))
        assert same(loose(back), loose(ours)), (expression, written, ours, back)
