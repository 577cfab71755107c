"""`choice_filter` (XLSForm cascading selects): which choices of a list a question offers.

The filter is an expression tree in which `{"choice": column}` reads the choice being tested:
`name` is its code, `label` its label, any other column one of its `properties`. A choice is
offered when the filter, with those read as literals, holds for the answers given so far.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from services.survey.expressions import evaluate


def substitute(tree: Any, choice: Mapping[str, Any]) -> Any:
    """The tree with each `{"choice": column}` replaced by that column of `choice`."""
    if isinstance(tree, dict):
        if set(tree) == {"choice"}:
            return _column(choice, str(tree["choice"]))
        return {key: substitute(value, choice) for key, value in tree.items()}
    if isinstance(tree, list):
        return [substitute(item, choice) for item in tree]
    return tree


def _column(choice: Mapping[str, Any], column: str) -> str:
    if column == "name":
        return str(choice.get("code", ""))
    if column == "label":
        return str(choice.get("label", ""))
    properties = choice.get("properties") or {}
    return str(properties.get(column, ""))


def offered(
    tree: Mapping[str, Any] | None,
    choice: Mapping[str, Any],
    answers: Mapping[str, Any],
    org: Mapping[str, Any],
) -> bool:
    """Whether the question offers this choice, given the answers so far."""
    return tree is None or evaluate(substitute(tree, choice), answers, org)
