"""Which trees are expressions: the operators, how many arguments each takes, the operands."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

BOOLEAN_OPS = {"and", "or", "not"}
# Comparisons and tests of choices: two value expressions (`in`, `includes_any` and
# `includes_all` read the second as a list of codes).
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
# Value operators and functions, with their (least, most) number of arguments (None: any).
VALUE_OPS: dict[str, tuple[int, int | None]] = {
    "add": (2, 2),
    "sub": (2, 2),
    "mul": (2, 2),
    "div": (2, 2),
    "mod": (2, 2),
    "neg": (1, 1),
    "if": (3, 3),
    "coalesce": (2, 2),
    "concat": (0, None),
    "number": (1, 1),
    "int": (1, 1),
    "round": (1, 2),
    "string_length": (1, 1),
    "count_selected": (1, 1),
    "selected": (2, 2),
    "boolean": (1, 1),
    "string": (1, 1),
    "true": (0, 0),
    "false": (0, 0),
    "today": (0, 0),
}
ARITY: dict[str, tuple[int, int | None]] = {
    "and": (0, None),
    "or": (0, None),
    "not": (1, 1),
    **dict.fromkeys(BINARY_OPS, (2, 2)),
    **dict.fromkeys(UNARY_OPS, (1, 1)),
    **VALUE_OPS,
}
ORG_ATTRIBUTES = {"kind", "population", "region", "departement"}
MAX_DEPTH = 20


class ExpressionError(ValueError):
    """A tree that is not an expression of the language."""


def check_expression(tree: Any, depth: int = 0) -> None:
    """Raise `ExpressionError` unless `tree` is a well-formed operation (relevance, constraint)."""
    if not isinstance(tree, dict) or set(tree) != {"op", "args"}:
        raise ExpressionError('une expression est un objet {"op": …, "args": […]}')
    check_value(tree, depth)


def check_value(tree: Any, depth: int = 0) -> None:
    """Raise `ExpressionError` unless `tree` is a value expression (a calculation)."""
    if depth > MAX_DEPTH:
        raise ExpressionError("expression trop profonde")
    if isinstance(tree, list):
        for item in tree:
            if isinstance(item, (dict, list)):
                raise ExpressionError("une liste littérale ne contient que des valeurs")
        return
    if not isinstance(tree, dict):
        if isinstance(tree, float) and tree != tree:  # NaN: JSON cannot carry it
            raise ExpressionError("un nombre littéral doit être fini")
        return
    if set(tree) == {"var"} and isinstance(tree["var"], str):
        return
    if set(tree) == {"org"} and tree["org"] in ORG_ATTRIBUTES:
        return
    if set(tree) != {"op", "args"}:
        raise ExpressionError(
            'un opérande est une valeur, {"var": clé}, {"org": attribut} ou {"op": …, "args": […]}'
        )
    op, args = tree["op"], tree["args"]
    if not isinstance(op, str) or op not in ARITY:
        raise ExpressionError(f"opérateur inconnu « {op} »")
    if not isinstance(args, list):
        raise ExpressionError(f"« {op} » : args doit être une liste")
    least, most = ARITY[op]
    if len(args) < least or (most is not None and len(args) > most):
        expected = str(least) if least == most else f"{least} à {most}" if most else f"{least}+"
        raise ExpressionError(f"« {op} » prend {expected} opérande(s)")
    for arg in args:
        check_value(arg, depth + 1)


def variables_of(tree: Any) -> Iterator[str]:
    """The question keys an expression reads."""
    if isinstance(tree, Mapping):
        if "var" in tree:
            yield tree["var"]
        for arg in tree.get("args", ()):
            yield from variables_of(arg)
