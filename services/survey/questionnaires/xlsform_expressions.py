"""XLSForm formulas (`relevant`, `constraint`, `calculation`) to and from the expression tree.

The supported subset of ODK XPath: `${q}`, `.` (the question itself), `${org_kind}`… (the local
authority), quoted strings, numbers, `date('YYYY-MM-DD')`; the operators with XPath precedence,
loosest first: `or`, `and`, `= !=`, `< <= > >=`, `+ -`, `* div mod`, unary `-`; parentheses;
the functions of FUNCTIONS. Anything else (paths, predicates, `|`, other functions) is refused
with a `FormulaError` naming it. `to_xlsform` writes a tree back, with only the parentheses
precedence needs: parsing what it writes gives the same tree again.
"""

from __future__ import annotations

import re
from typing import Any

from services.survey.expressions import ORG_ATTRIBUTES, format_number
from services.survey.expressions.coercion import codes_of, days_of

TOKEN = re.compile(
    r"\s*(?:(?P<var>\$\{[A-Za-z_][A-Za-z0-9_.-]*\})|(?P<str>'[^']*'|\"[^\"]*\")"
    r"|(?P<num>\d+(?:\.\d*)?|\.\d+)|(?P<op><=|>=|!=|=|<|>|\+|-|\*)|(?P<punct>[(),])"
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_-]*)|(?P<dot>\.))",
    re.ASCII,
)
# The local authority's attributes, written `${org_kind}`, `${org_population}`… in XLSForm.
ORG_PREFIX = "org_"
COMPARISONS = {"=": "eq", "!=": "neq", "<": "lt", "<=": "lte", ">": "gt", ">=": "gte"}
# Binary operators by precedence level (higher binds tighter), as XPath 1.0 §3.4–3.5 orders them.
LEVELS: list[dict[str, str]] = [
    {"or": "or"},
    {"and": "and"},
    {"=": "eq", "!=": "neq"},
    {"<": "lt", "<=": "lte", ">": "gt", ">=": "gte"},
    {"+": "add", "-": "sub"},
    {"*": "mul", "div": "div", "mod": "mod"},
]
SYMBOLS = {op: symbol for level in LEVELS for symbol, op in level.items()}
LEVEL_OF = {op: index + 1 for index, level in enumerate(LEVELS) for op in level.values()}
UNARY_LEVEL = len(LEVELS) + 1
PRIMARY_LEVEL = UNARY_LEVEL + 1
# XLSForm function → (tree operator, least and most arguments).
FUNCTIONS: dict[str, tuple[str, int, int | None]] = {
    "if": ("if", 3, 3),
    "coalesce": ("coalesce", 2, 2),
    "concat": ("concat", 0, None),
    "number": ("number", 1, 1),
    "int": ("int", 1, 1),
    "round": ("round", 1, 2),
    "string-length": ("string_length", 1, 1),
    "count-selected": ("count_selected", 1, 1),
    "selected": ("selected", 2, 2),
    "not": ("not", 1, 1),
    "true": ("true", 0, 0),
    "false": ("false", 0, 0),
    "boolean": ("boolean", 1, 1),
    "string": ("string", 1, 1),
    "today": ("today", 0, 0),
}
FUNCTION_OF = {op: name for name, (op, _, _) in FUNCTIONS.items()}


class FormulaError(ValueError):
    pass


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    text = text.strip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if match is None or match.end() == position:
            rest = text[position : position + 20].strip()
            what = {"/": "le chemin XPath", "[": "le prédicat", "|": "l'union", "@": "l'attribut"}
            name = what.get(rest[:1], "la syntaxe")
            raise FormulaError(f"{name} « {rest} » : non pris en charge")
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

    def peek(self, ahead: int = 0) -> tuple[str, str] | None:
        index = self.index + ahead
        return self.tokens[index] if index < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (value is not None and token[1] != value):
            raise FormulaError(f"« {value} » attendu" if value else "formule incomplète")
        self.index += 1
        return token

    def parse(self) -> Any:
        tree = self.binary(0)
        token = self.peek()
        if token is not None:
            raise FormulaError(f"« {token[1]} » inattendu")
        return tree

    def binary(self, level: int) -> Any:
        if level == len(LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        operators = LEVELS[level]
        while True:
            token = self.peek()
            if token is None or token[0] not in ("op", "word") or token[1] not in operators:
                return left
            self.take()
            right = self.binary(level + 1)
            op = operators[token[1]]
            if op in ("and", "or"):
                # `a and b and c` is one operation of three arguments, as before.
                left = {"op": op, "args": [*self._same(left, op), right]}
            else:
                left = _comparison(op, left, right)

    def _same(self, tree: Any, op: str) -> list[Any]:
        if isinstance(tree, dict) and tree.get("op") == op and not tree.get("_grouped"):
            return list(tree["args"])
        return [tree]

    def unary(self) -> Any:
        if self.peek() == ("op", "-"):
            self.take()
            following = self.peek()
            if following is not None and following[0] == "num":
                self.take()
                return -_number(following[1])
            return {"op": "neg", "args": [self.unary()]}
        return self.primary()

    def primary(self) -> Any:
        kind, value = self.take()
        if kind == "punct" and value == "(":
            inner = self.binary(0)
            self.take(")")
            # Parentheses group: `(a and b) and c` stays two operations.
            if isinstance(inner, dict) and inner.get("op") in ("and", "or"):
                return {**inner, "_grouped": True}
            return inner
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
            return _number(value)
        if kind == "word" and self.peek() == ("punct", "("):
            return self.call(value)
        if kind == "word":
            raise FormulaError(
                f"le nom XPath « {value} » n'est pas pris en charge (écrivez ${{{value}}})"
            )
        raise FormulaError(f"« {value} » inattendu")

    def call(self, name: str) -> Any:
        self.take("(")
        args: list[Any] = []
        if self.peek() != ("punct", ")"):
            args.append(self.binary(0))
            while self.peek() == ("punct", ","):
                self.take()
                args.append(self.binary(0))
        self.take(")")
        args = [_ungrouped(arg) for arg in args]
        if name == "date":
            if len(args) != 1 or not isinstance(args[0], str) or days_of(args[0]) is None:
                raise FormulaError("date() ne prend qu'une date littérale 'AAAA-MM-JJ'")
            return args[0]
        if name not in FUNCTIONS:
            raise FormulaError(f"la fonction « {name}() » n'est pas prise en charge")
        op, least, most = FUNCTIONS[name]
        if len(args) < least or (most is not None and len(args) > most):
            expected = (
                str(least) if least == most else f"{least} à {most}" if most else f"{least} ou plus"
            )
            raise FormulaError(f"« {name}() » prend {expected} argument(s), pas {len(args)}")
        if op == "selected" and isinstance(args[1], (int, float)):
            # JavaRosa refuses it too: "must be in quotes".
            raise FormulaError("le code de selected() s'écrit entre guillemets (comme '1')")
        if op == "selected" and isinstance(args[0], dict) and "var" in args[0]:
            # On a question: a multiple choice holds the code, a single one equals it (a code
            # is one word: anything else keeps selected()'s own reading).
            if args[0]["var"] in self.multiple:
                return {"op": "includes", "args": args}
            if isinstance(args[1], str) and codes_of(args[1]) == [args[1]]:
                return {"op": "eq", "args": args}
        return {"op": op, "args": args}


def _number(text: str) -> int | float:
    return float(text) if "." in text else int(text)


def _ungrouped(tree: Any) -> Any:
    """The tree without the parser's marks of parentheses."""
    if isinstance(tree, dict) and "args" in tree:
        return {"op": tree["op"], "args": [_ungrouped(arg) for arg in tree["args"]]}
    return tree


def _comparison(op: str, left: Any, right: Any) -> dict[str, Any]:
    left, right = _ungrouped(left), _ungrouped(right)
    if op in ("eq", "neq") and right == "" and isinstance(left, dict) and "op" not in left:
        # `${q} = ''`: not answered, whatever the type of the question (the same as XPath's
        # `=` on an answer, and what stored questionnaires already hold).
        answered = {"op": "answered", "args": [left]}
        return answered if op == "neq" else {"op": "not", "args": [answered]}
    is_count = isinstance(left, dict) and left.get("op") == "count_selected"
    if is_count and op in ("gte", "lte") and isinstance(right, (int, float)):
        return {"op": "count_" + op, "args": [left["args"][0], right]}
    return {"op": op, "args": [left, right]}


def value_from_xlsform(text: str, *, self_key: str, multiple: set[str]) -> Any:
    """The value expression of an XLSForm `calculation`."""
    return _ungrouped(_Parser(text, self_key, multiple).parse())


def from_xlsform(text: str, *, self_key: str, multiple: set[str]) -> dict[str, Any]:
    """The expression tree of an XLSForm condition; `FormulaError` says what is not supported."""
    tree = value_from_xlsform(text, self_key=self_key, multiple=multiple)
    if isinstance(tree, dict) and "op" in tree:
        return tree
    # A bare `${q}` or literal as a condition: its XPath boolean().
    return {"op": "boolean", "args": [tree]}


def to_xlsform(tree: Any, *, self_key: str) -> str:
    """The XLSForm formula of an expression tree (the inverse of `from_xlsform`)."""
    return _write(tree, self_key)


def _level(tree: Any) -> int:
    if isinstance(tree, dict) and "op" in tree:
        op = tree["op"]
        if op in LEVEL_OF:
            return (
                LEVEL_OF[op] if op not in ("and", "or") or len(tree["args"]) > 1 else PRIMARY_LEVEL
            )
        if op in ("answered", "count_gte", "count_lte"):
            computed = (
                op == "answered" and isinstance(tree["args"][0], dict) and "op" in tree["args"][0]
            )
            return LEVEL_OF["eq"] if op == "answered" and not computed else LEVEL_OF["lt"]
        if op in ("in", "includes_any", "includes_all"):
            return LEVEL_OF["or"] if op != "includes_all" else LEVEL_OF["and"]
        if op == "neg":
            return UNARY_LEVEL
    if isinstance(tree, (int, float)) and not isinstance(tree, bool) and tree < 0:
        return UNARY_LEVEL
    return PRIMARY_LEVEL


def _wrapped(tree: Any, self_key: str, at_least: int) -> str:
    text = _write(tree, self_key)
    return f"({text})" if _level(tree) < at_least else text


def _write(tree: Any, self_key: str) -> str:
    if not isinstance(tree, dict) or "op" not in tree:
        return _literal(tree, self_key)
    op, args = tree["op"], tree["args"]
    if op in ("and", "or"):
        if not args:
            return "true()" if op == "and" else "false()"
        if len(args) == 1:  # still a boolean, whatever its argument
            return f"boolean({_write(args[0], self_key)})"
        level = LEVEL_OF[op]
        return f" {op} ".join(_wrapped(arg, self_key, level + 1) for arg in args)
    if op in SYMBOLS:
        level = LEVEL_OF[op]
        left = _wrapped(args[0], self_key, level)
        right = _wrapped(args[1], self_key, level + 1)
        return f"{left} {SYMBOLS[op]} {right}"
    if op == "neg":
        operand = args[0]
        if isinstance(operand, (int, float)) and not isinstance(operand, bool):
            return f"-({_write(operand, self_key)})"  # `-3` would read back as the literal -3
        return "-" + _wrapped(operand, self_key, UNARY_LEVEL)
    if op == "answered":
        if isinstance(args[0], dict) and "op" not in args[0]:
            return f"{_write(args[0], self_key)} != ''"
        # Of a computed value: `!= ''` would compare a boolean or a number, not emptiness.
        return f"string-length(string({_write(args[0], self_key)})) > 0"
    if op in ("count_gte", "count_lte"):
        symbol = ">=" if op == "count_gte" else "<="
        right = _wrapped(args[1], self_key, LEVEL_OF["lt"] + 1)
        return f"count-selected({_write(args[0], self_key)}) {symbol} {right}"
    if op in ("includes", "selected"):
        return f"selected({_write(args[0], self_key)}, {_code(args[1], self_key)})"
    if op in ("in", "includes_any", "includes_all"):
        values = args[1] if isinstance(args[1], list) else []
        joiner = " and " if op == "includes_all" else " or "
        if op == "in":
            left = _wrapped(args[0], self_key, LEVEL_OF["eq"])
            parts = [f"{left} = {_literal(value, self_key)}" for value in values]
            return joiner.join(parts) or "false()"
        subject = _write(args[0], self_key)
        parts = [f"selected({subject}, {_code(value, self_key)})" for value in values]
        return joiner.join(parts) or ("true()" if op == "includes_all" else "false()")
    name = FUNCTION_OF[op]
    return f"{name}({', '.join(_write(arg, self_key) for arg in args)})"


def _code(value: Any, self_key: str) -> str:
    """The code argument of selected(), which ODK wants quoted even when it is a number."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _literal(format_number(float(value)), self_key)
    return _write(value, self_key)


def _literal(value: Any, self_key: str) -> str:
    if isinstance(value, dict) and "var" in value:
        return "." if value["var"] == self_key else "${" + str(value["var"]) + "}"
    if isinstance(value, dict) and "org" in value:
        return "${" + ORG_PREFIX + str(value["org"]) + "}"
    if isinstance(value, bool):
        return "true()" if value else "false()"
    if isinstance(value, (int, float)):
        return format_number(float(value))
    if value is None:
        return "''"
    if isinstance(value, list):
        # A list of codes as ODK holds a multiple choice: one space-separated string.
        return _literal(" ".join(str(item) for item in value), self_key)
    text = str(value)
    if days_of(text) is not None:
        return f"date('{text}')"  # ODK compares dates, not strings, only through date()
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    pieces = [f"'{piece}'" for piece in text.split("'")]
    return "concat(" + ', "\'", '.join(pieces) + ")"
