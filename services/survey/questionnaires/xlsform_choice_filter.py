"""An XLSForm `choice_filter` formula to and from its expression tree.

In a choice filter a bare name (`region`, `name`) is a column of the choices sheet, read for the
choice being tested; the rest is the formula language of `relevant`. The bare names are written
as variables of a reserved prefix for the formula parser, then turned into `{"choice": column}`.
"""

from __future__ import annotations

import re
from typing import Any

from services.survey.questionnaires.xlsform_expressions import from_xlsform, to_xlsform

PREFIX = "__choice__"
# Quoted strings and ${…} references are kept; a name followed by "(" is a function.
_PART = re.compile(
    r"(?P<keep>'[^']*'|\"[^\"]*\"|\$\{[^}]*\})|(?P<name>(?<![\w.-])[A-Za-z_][A-Za-z0-9_.-]*(?![\w.-]*\s*\())"
)
_WORDS = {"and", "or", "div", "mod"}


def _mark(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        if name is None or name in _WORDS:
            return match.group(0)
        return "${" + PREFIX + name + "}"

    return _PART.sub(replace, text)


def _unmark(tree: Any) -> Any:
    if isinstance(tree, dict):
        if set(tree) == {"var"} and str(tree["var"]).startswith(PREFIX):
            return {"choice": str(tree["var"])[len(PREFIX) :]}
        return {key: _unmark(value) for key, value in tree.items()}
    if isinstance(tree, list):
        return [_unmark(item) for item in tree]
    return tree


def _remark(tree: Any) -> Any:
    if isinstance(tree, dict):
        if set(tree) == {"choice"}:
            return {"var": PREFIX + str(tree["choice"])}
        return {key: _remark(value) for key, value in tree.items()}
    if isinstance(tree, list):
        return [_remark(item) for item in tree]
    return tree


def parse_choice_filter(text: str, *, self_key: str, multiple: set[str]) -> dict[str, Any]:
    """The tree of a choice filter; `FormulaError` says what is not supported."""
    tree: dict[str, Any] = _unmark(from_xlsform(_mark(text), self_key=self_key, multiple=multiple))
    return tree


def write_choice_filter(tree: Any, *, self_key: str) -> str:
    """The XLSForm formula of a choice filter (the inverse of `parse_choice_filter`)."""
    text = to_xlsform(_remark(tree), self_key=self_key)
    return re.sub(r"\$\{" + PREFIX + r"([^}]*)\}", r"\1", text)
