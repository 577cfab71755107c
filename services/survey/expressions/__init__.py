"""The expression language of relevance and constraints: a JSON tree, never code.

    {"op": "and", "args": [{"op": "eq", "args": [{"var": "q_usage"}, "oui"]},
                           {"op": "in", "args": [{"org": "kind"}, ["epci"]]}]}

Boolean operators take expressions: `and`, `or`, `not`. Comparisons take two operands:
`eq`, `neq`, `lt`, `lte`, `gt`, `gte` (numbers, or ISO dates as strings), `in` (a value among a
literal list), `includes` (a multiple choice holds a code), `includes_any`, `includes_all`,
`count_gte`, `count_lte` (how many codes are ticked). `answered` takes one operand.
An operand is a literal (string, number, boolean, null or list), `{"var": key}` (an answer, null
when absent) or `{"org": attribute}` (the local authority: kind, population, region, departement).

The TypeScript twin is frontend/src/survey/rules.ts; vectors.json holds the cases both must
agree on (tests/survey/test_vectors.py runs them on both).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

BOOLEAN_OPS = {"and", "or", "not"}
BINARY_OPS = {
    "eq",
    "neq",
    "lt",
    "lte",
    "gt",
    "gte",
    "in",
    "includes",
    "includes_any",
    "includes_all",
    "count_gte",
    "count_lte",
}
UNARY_OPS = {"answered"}
ORG_ATTRIBUTES = {"kind", "population", "region", "departement"}
MAX_DEPTH = 20


class ExpressionError(ValueError):
    """A tree that is not an expression of the language."""


def check_expression(tree: Any, depth: int = 0) -> None:
    """Raise `ExpressionError` unless `tree` is a well-formed boolean expression."""
    if depth > MAX_DEPTH:
        raise ExpressionError("expression trop profonde")
    if not isinstance(tree, dict) or set(tree) != {"op", "args"}:
        raise ExpressionError('une expression est un objet {"op": …, "args": […]}')
    op, args = tree["op"], tree["args"]
    if not isinstance(args, list):
        raise ExpressionError(f"« {op} » : args doit être une liste")
    if op in BOOLEAN_OPS:
        if op == "not" and len(args) != 1:
            raise ExpressionError("« not » prend une seule expression")
        for arg in args:
            check_expression(arg, depth + 1)
    elif op in BINARY_OPS or op in UNARY_OPS:
        expected = 2 if op in BINARY_OPS else 1
        if len(args) != expected:
            raise ExpressionError(f"« {op} » prend {expected} opérande(s)")
        for arg in args:
            _check_operand(arg)
    else:
        raise ExpressionError(f"opérateur inconnu « {op} »")


def _check_operand(operand: Any) -> None:
    if isinstance(operand, dict):
        if set(operand) == {"var"} and isinstance(operand["var"], str):
            return
        if set(operand) == {"org"} and operand["org"] in ORG_ATTRIBUTES:
            return
        raise ExpressionError('un opérande est une valeur, {"var": clé} ou {"org": attribut}')
    if isinstance(operand, list):
        for item in operand:
            if isinstance(item, (dict, list)):
                raise ExpressionError("une liste littérale ne contient que des valeurs")


def variables_of(tree: Mapping[str, Any]) -> Iterator[str]:
    """The question keys an expression reads."""
    for arg in tree["args"]:
        if isinstance(arg, dict) and "op" in arg:
            yield from variables_of(arg)
        elif isinstance(arg, dict) and "var" in arg:
            yield arg["var"]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _scalar_equal(left: Any, right: Any) -> bool:
    if isinstance(left, (list, dict)) or isinstance(right, (list, dict)):
        return False
    if _is_number(left) and _is_number(right):
        return bool(left == right)
    return type(left) is type(right) and left == right


def _ordered(left: Any, right: Any) -> tuple[Any, Any] | None:
    """Both numbers, or both strings (ISO dates); otherwise not comparable."""
    if _is_number(left) and _is_number(right):
        return left, right
    if isinstance(left, str) and isinstance(right, str):
        return left, right
    return None


def is_answered(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def _codes(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def evaluate(tree: Mapping[str, Any], answers: Mapping[str, Any], org: Mapping[str, Any]) -> bool:
    """The truth of a checked expression for these answers and this local authority."""
    op, args = tree["op"], tree["args"]
    if op == "and":
        return all(evaluate(arg, answers, org) for arg in args)
    if op == "or":
        return any(evaluate(arg, answers, org) for arg in args)
    if op == "not":
        return not evaluate(args[0], answers, org)
    values = [_operand(arg, answers, org) for arg in args]
    if op == "answered":
        return is_answered(values[0])
    left, right = values
    if op == "eq":
        return _scalar_equal(left, right)
    if op == "neq":
        return not _scalar_equal(left, right)
    if op in ("lt", "lte", "gt", "gte"):
        pair = _ordered(left, right)
        if pair is None:
            return False
        a, b = pair
        return bool({"lt": a < b, "lte": a <= b, "gt": a > b, "gte": a >= b}[op])
    if op == "in":
        return any(_scalar_equal(left, item) for item in _codes(right))
    if op == "includes":
        return any(_scalar_equal(item, right) for item in _codes(left))
    if op == "includes_any":
        return any(_scalar_equal(a, b) for a in _codes(left) for b in _codes(right))
    if op == "includes_all":
        return all(any(_scalar_equal(a, b) for a in _codes(left)) for b in _codes(right))
    count = len(_codes(left))
    if not _is_number(right):
        return False
    return bool(count >= right if op == "count_gte" else count <= right)


def _operand(operand: Any, answers: Mapping[str, Any], org: Mapping[str, Any]) -> Any:
    if isinstance(operand, dict):
        if "var" in operand:
            return answers.get(operand["var"])
        return org.get(operand["org"])
    return operand
