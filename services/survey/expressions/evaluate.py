"""The value of an expression tree for some answers and a local authority (XPath 1.0 as ODK)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from services.survey.expressions.coercion import (
    codes_of,
    equal,
    is_answered,
    not_equal,
    to_boolean,
    to_number,
    to_string,
)

Answers = Mapping[str, Any]


class _Context:
    __slots__ = ("answers", "fixed_today", "org")

    def __init__(self, answers: Answers, org: Mapping[str, Any], today: str | None) -> None:
        self.answers = answers
        self.org = org
        self.fixed_today = today

    def today(self) -> str:
        # The server's date, unless the caller fixes it (the tests do); read only when asked.
        return self.fixed_today if self.fixed_today is not None else date.today().isoformat()


def evaluate(
    tree: Mapping[str, Any],
    answers: Answers,
    org: Mapping[str, Any],
    *,
    today: str | None = None,
) -> bool:
    """The truth of a checked expression: XPath boolean() of its value."""
    return to_boolean(evaluate_value(tree, answers, org, today=today))


def evaluate_value(
    tree: Any, answers: Answers, org: Mapping[str, Any], *, today: str | None = None
) -> Any:
    """The value of a checked expression: a string, a float, a boolean, a list or a dict."""
    return _value(tree, _Context(answers, org, today))


def _value(tree: Any, context: _Context) -> Any:
    kind = type(tree)
    if kind is dict:
        if "op" not in tree:
            if "var" in tree:
                return _stored(context.answers.get(tree["var"]))
            return _stored(context.org.get(tree["org"]))
    elif kind is str or kind is bool or kind is list:
        return tree
    elif kind is float or kind is int:
        return float(tree)
    elif tree is None:
        return ""
    elif isinstance(tree, Mapping):
        return _value(dict(tree), context)
    else:
        return tree
    op = tree["op"]
    args = tree["args"]
    if op == "and":
        return all(to_boolean(_value(arg, context)) for arg in args)
    if op == "or":
        return any(to_boolean(_value(arg, context)) for arg in args)
    if op == "if":
        chosen = args[1] if to_boolean(_value(args[0], context)) else args[2]
        return _value(chosen, context)
    if op == "coalesce":
        first = _value(args[0], context)
        return first if to_string(first) != "" else _value(args[1], context)
    if op == "today":
        return context.today()
    return _OPERATIONS[op](*[_value(arg, context) for arg in args])


def _stored(value: Any) -> Any:
    """An answer as a value: absent is the empty string, numbers are floats."""
    if value is None:
        return ""
    if type(value) is int:
        return float(value)
    return value


def _relation(op: str) -> Callable[[Any, Any], bool]:
    # Relational operators are numeric in XPath: both sides through number(); NaN is never
    # ordered. An ISO date is its number of days, so two dates compare as dates.
    def compare(left: Any, right: Any) -> bool:
        a, b = to_number(left), to_number(right)
        return bool({"lt": a < b, "lte": a <= b, "gt": a > b, "gte": a >= b}[op])

    return compare


def _divide(left: Any, right: Any) -> float:
    return _quotient(to_number(left), to_number(right))


def _quotient(a: float, b: float) -> float:
    """a / b as IEEE 754 and XPath say: a division by zero is ±Infinity, or NaN for 0 div 0."""
    if b == 0:
        if a == 0 or math.isnan(a):
            return math.nan
        return math.inf if (a > 0) == (math.copysign(1.0, b) > 0) else -math.inf
    return a / b


def _modulo(left: Any, right: Any) -> float:
    # XPath mod keeps the sign of the dividend (a truncating remainder, JavaScript's %).
    a, b = to_number(left), to_number(right)
    if b == 0 or math.isinf(a) or math.isnan(b):
        return math.nan
    if math.isinf(b):
        return a
    return math.fmod(a, b)


def _int(value: Any) -> float:
    number = to_number(value)
    if math.isnan(number) or math.isinf(number):
        return number
    # The sign stays, as in JavaRosa and JavaScript: int(-0.5) is -0, 1 div int(-0.5) -Infinity.
    return math.copysign(float(math.trunc(number)), number)


def _round(value: Any, places: Any = 0.0) -> float:
    """XPath round(): the nearest integer, halves towards +∞; ODK's places are decimals kept."""
    number = to_number(value)
    digits = _int(places)
    try:
        scale = 10.0**digits
    except OverflowError:
        scale = math.inf
    scaled = number * scale + 0.5
    floored = float(math.floor(scaled)) if math.isfinite(scaled) else scaled
    return _quotient(floored, scale)


def _count(value: Any) -> float:
    return float(len(codes_of(value)))


def _contains(haystack: Any, needle: Any) -> bool:
    return to_string(needle) in codes_of(haystack)


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else codes_of(value)


_OPERATIONS: dict[str, Callable[..., Any]] = {
    "not": lambda value: not to_boolean(value),
    "answered": is_answered,
    "eq": equal,
    "neq": not_equal,
    "lt": _relation("lt"),
    "lte": _relation("lte"),
    "gt": _relation("gt"),
    "gte": _relation("gte"),
    "in": lambda left, right: isinstance(right, list) and any(equal(left, i) for i in right),
    "includes": _contains,
    "selected": _contains,
    "includes_any": lambda left, right: any(_contains(left, code) for code in _listed(right)),
    "includes_all": lambda left, right: all(_contains(left, code) for code in _listed(right)),
    "count_gte": lambda left, right: _count(left) >= to_number(right),
    "count_lte": lambda left, right: _count(left) <= to_number(right),
    "count_selected": _count,
    "add": lambda left, right: to_number(left) + to_number(right),
    "sub": lambda left, right: to_number(left) - to_number(right),
    "mul": lambda left, right: to_number(left) * to_number(right),
    "div": _divide,
    "mod": _modulo,
    "neg": lambda value: -to_number(value),
    "concat": lambda *values: "".join(to_string(value) for value in values),
    "number": to_number,
    "int": _int,
    "round": _round,
    "string_length": lambda value: float(len(to_string(value))),
    "boolean": to_boolean,
    "string": to_string,
    "true": lambda: True,
    "false": lambda: False,
}
