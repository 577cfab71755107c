"""XLSForm `relevant` and `constraint` formulas to and from the expression tree.

The supported subset: `${q}` and `.` (the question itself), quoted strings, numbers,
`= != < <= > >=`, `and`, `or`, `not(…)`, parentheses, `selected(${q}, 'code')` and
`count-selected(${q})` compared with a number. Anything else is refused with the reason.
"""

from __future__ import annotations

import re
from typing import Any

from services.survey.expressions import ORG_ATTRIBUTES

TOKEN = re.compile(
    r"\s*(?:(?P<var>\$\{[A-Za-z_][A-Za-z0-9_.-]*\})|(?P<str>'[^']*'|\"[^\"]*\")"
    r"|(?P<num>-?\d+(?:\.\d+)?)|(?P<op><=|>=|!=|=|<|>)|(?P<punct>[(),])"
    r"|(?P<word>[A-Za-z][A-Za-z-]*)|(?P<dot>\.))"
)
# The local authority's attributes, written `${org_kind}`, `${org_population}`… in XLSForm.
ORG_PREFIX = "org_"
COMPARISONS = {"=": "eq", "!=": "neq", "<": "lt", "<=": "lte", ">": "gt", ">=": "gte"}


class FormulaError(ValueError):
    pass


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    text = text.strip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise FormulaError(f"« {text[position : position + 20]} » n'est pas pris en charge")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str, self_key: str, multiple: set[str]) -> None:
        self.tokens = _tokens(text)
        self.index = 0
        self.self_key = self_key
        self.multiple = multiple

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (value is not None and token[1] != value):
            raise FormulaError(f"« {value} » attendu" if value else "formule incomplète")
        self.index += 1
        return token

    def parse(self) -> dict[str, Any]:
        tree = self.disjunction()
        if self.peek() is not None:
            raise FormulaError(f"« {self.peek()[1]} » inattendu")  # type: ignore[index]
        return tree

    def disjunction(self) -> dict[str, Any]:
        parts = [self.conjunction()]
        while self.peek() == ("word", "or"):
            self.take()
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else {"op": "or", "args": parts}

    def conjunction(self) -> dict[str, Any]:
        parts = [self.unary()]
        while self.peek() == ("word", "and"):
            self.take()
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else {"op": "and", "args": parts}

    def unary(self) -> dict[str, Any]:
        token = self.peek()
        if token == ("word", "not"):
            self.take()
            self.take("(")
            inner = self.disjunction()
            self.take(")")
            return {"op": "not", "args": [inner]}
        if token == ("punct", "("):
            self.take()
            inner = self.disjunction()
            self.take(")")
            return inner
        if token == ("word", "selected"):
            self.take()
            self.take("(")
            var = self.operand()
            self.take(",")
            code = self.operand()
            self.take(")")
            multiple = isinstance(var, dict) and var.get("var") in self.multiple
            return {"op": "includes" if multiple else "eq", "args": [var, code]}
        return self.comparison()

    def comparison(self) -> dict[str, Any]:
        if self.peek() == ("word", "count-selected"):
            self.take()
            self.take("(")
            var = self.operand()
            self.take(")")
            op = self.take()[1]
            number = self.operand()
            if not isinstance(number, (int, float)):
                raise FormulaError("count-selected se compare à un nombre")
            if op == ">=":
                return {"op": "count_gte", "args": [var, number]}
            if op == "<=":
                return {"op": "count_lte", "args": [var, number]}
            if op == ">":
                return {"op": "count_gte", "args": [var, number + 1]}
            if op == "<":
                return {"op": "count_lte", "args": [var, number - 1]}
            if op == "=":
                return {
                    "op": "and",
                    "args": [
                        {"op": "count_gte", "args": [var, number]},
                        {"op": "count_lte", "args": [var, number]},
                    ],
                }
            raise FormulaError(f"« {op} » après count-selected n'est pas pris en charge")
        left = self.operand()
        token = self.take()
        if token[0] != "op":
            raise FormulaError(f"« {token[1]} » n'est pas pris en charge")
        right = self.operand()
        if right == "" and token[1] in ("=", "!="):
            answered = {"op": "answered", "args": [left]}
            return answered if token[1] == "!=" else {"op": "not", "args": [answered]}
        return {"op": COMPARISONS[token[1]], "args": [left, right]}

    def operand(self) -> Any:
        kind, value = self.take()
        if kind == "var":
            name = value[2:-1]
            if name.startswith(ORG_PREFIX) and name[len(ORG_PREFIX) :] in ORG_ATTRIBUTES:
                return {"org": name[len(ORG_PREFIX) :]}
            return {"var": name}
        if kind == "dot":
            return {"var": self.self_key}
        if kind == "str":
            return value[1:-1]
        if kind == "num":
            return float(value) if "." in value else int(value)
        raise FormulaError(f"« {value} » n'est pas pris en charge")


def from_xlsform(text: str, *, self_key: str, multiple: set[str]) -> dict[str, Any]:
    """The expression tree of an XLSForm formula; `FormulaError` says what is not supported."""
    return _Parser(text, self_key, multiple).parse()


def to_xlsform(tree: Any, *, self_key: str) -> str:
    """The XLSForm formula of an expression tree (the inverse of `from_xlsform`)."""
    op = tree["op"]
    args = tree["args"]
    if op in ("and", "or"):
        if not args:
            return "true()" if op == "and" else "false()"
        return f" {op} ".join(f"({to_xlsform(arg, self_key=self_key)})" for arg in args)
    if op == "not":
        return f"not({to_xlsform(args[0], self_key=self_key)})"
    operands = [_operand(arg, self_key) for arg in args]
    if op == "answered":
        return f"{operands[0]} != ''"
    if op in ("includes",):
        return f"selected({operands[0]}, {operands[1]})"
    if op in ("includes_any", "includes_all", "in"):
        values = args[1] if isinstance(args[1], list) else []
        joiner = " or " if op != "includes_all" else " and "
        if op == "in":
            return (
                joiner.join(f"{operands[0]} = {_operand(value, self_key)}" for value in values)
                or "false()"
            )
        return (
            joiner.join(f"selected({operands[0]}, {_operand(value, self_key)})" for value in values)
            or "true()"
        )
    if op == "count_gte":
        return f"count-selected({operands[0]}) >= {operands[1]}"
    if op == "count_lte":
        return f"count-selected({operands[0]}) <= {operands[1]}"
    symbol = {value: key for key, value in COMPARISONS.items()}[op]
    return f"{operands[0]} {symbol} {operands[1]}"


def _operand(value: Any, self_key: str) -> str:
    if isinstance(value, dict) and "var" in value:
        return "." if value["var"] == self_key else "${" + str(value["var"]) + "}"
    if isinstance(value, dict) and "org" in value:
        return "${" + ORG_PREFIX + str(value["org"]) + "}"
    if isinstance(value, bool):
        return "true()" if value else "false()"
    if isinstance(value, (int, float)):
        return str(value)
    if value is None:
        return "''"
    return "'" + str(value).replace("'", "") + "'"
