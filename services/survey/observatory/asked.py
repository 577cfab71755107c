"""Whom a numeric question was asked of, class by class, from the counts the observatory
keeps: what a total is estimated over.

A question shown to everyone (or by kind or région of authority) was asked of every respondent
of the classes its conditions accept. A question opened by the answer to one earlier closed
question (`usage_ia = oui`) was asked of the respondents of each class who gave an answer that
opens it: the counts of those answers. Any other condition (two earlier answers together, the
population in figures) cannot be read from counts by class: such a question gets no total.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from services.survey.expressions import evaluate, variables_of
from services.survey.observatory.frame import Class
from services.survey.observatory.units import Unit

Array = NDArray[np.float64]
# What a class tells of an authority (a condition reading anything else cannot be evaluated).
CLASS_ATTRIBUTES = frozenset({"kind", "region"})


@dataclass(frozen=True)
class Asked:
    """Respondents asked, by class; and the earlier question and answers that open it (its
    cells must be published in a domain for the total there to be: the total divided by the
    mean gives the weighted number who gave those answers)."""

    respondents: Array  # (classes,)
    opened_by: int | None  # the unit of the earlier question
    opening_codes: tuple[int, ...]  # positions of the opening answers among its codes


def _org_attributes(tree: Any) -> set[str]:
    if isinstance(tree, Mapping):
        found = {str(tree["org"])} if "org" in tree else set()
        for value in tree.values():
            found |= _org_attributes(value)
        return found
    if isinstance(tree, list):
        return set().union(*(_org_attributes(item) for item in tree)) if tree else set()
    return set()


def _beyond(conditions: list[Any], known: list[Any]) -> list[Any]:
    """The conditions left once those in `known` hold (from the top level and from the
    arguments of a top-level "and")."""
    left: list[Any] = []
    for condition in conditions:
        if condition in known:
            continue
        if condition.get("op") == "and":
            args = [arg for arg in condition["args"] if arg not in known]
            if not args:
                continue
            condition = args[0] if len(args) == 1 else {"op": "and", "args": args}
        left.append(condition)
    return left


def _value(unit: Unit, code: str) -> Any:
    """A code as the answers store it (a scale's step is a number)."""
    return int(code) if unit.type == "scale" and code.isdigit() else code


def asked_of(
    unit: Unit,
    classes: list[Class],
    respondents: Array,
    units: list[Unit],
    var_unit: NDArray[np.int64],
    chosen: Array,
) -> Asked | None:
    """Respondents of each class to whom `unit` was shown, or None where the counts cannot
    tell (see the module's docstring)."""
    conditions = list(unit.conditions)
    orgs = [{"kind": cls.kind, "region": cls.region} for cls in classes]
    read = {name for condition in conditions for name in variables_of(condition)}
    if len(read) > 1:
        # An answer to an earlier question means that its own conditions held: what the
        # question's conditions share with them is known true for whoever answered it.
        for other in units:
            if other.key in read:
                left = _beyond(conditions, list(other.conditions))
                if {name for condition in left for name in variables_of(condition)} == {other.key}:
                    conditions, read = left, {other.key}
                    break
    if any(not _org_attributes(c) <= CLASS_ATTRIBUTES for c in conditions):
        return None
    if not read:
        holds = np.array(
            [all(evaluate(c, {}, org) for c in conditions) for org in orgs], dtype=float
        )
        return Asked(respondents * holds, None, ())
    if len(read) > 1:
        return None
    (name,) = read
    position = next((number for number, other in enumerate(units) if other.key == name), None)
    if position is None or units[position].shape != "single":
        return None
    earlier = units[position]
    rows = np.flatnonzero(var_unit == position)
    asked = np.zeros(len(classes))
    opening: set[int] = set()
    for offset, code in enumerate(earlier.codes):
        answers = {name: _value(earlier, code)}
        holds = np.array(
            [all(evaluate(c, answers, org) for c in conditions) for org in orgs], dtype=float
        )
        if holds.any():
            opening.add(offset)
            asked += chosen[rows[offset]] * holds
    return Asked(asked, position, tuple(sorted(opening)))
