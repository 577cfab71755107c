"""What an answer must be: its type, its list of codes, its bounds, its constraint; which
questions are relevant; how far a response has come. The browser applies the same rules
(frontend/src/survey/rules.ts), proven by the shared vectors (expressions/vectors.json).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from services.survey.choice_filter import offered
from services.survey.definition import DONT_KNOW, Definition, FlatQuestion, codes_of
from services.survey.expressions import evaluate, evaluate_value, is_answered, to_string

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Beyond this JSON numbers lose precision in a browser: refused as not a number.
MAX_ABS_NUMBER = 1e15

MESSAGES = {
    "type": "La valeur n'a pas le type attendu.",
    "choice": "Ce code ne fait pas partie des choix proposés.",
    "exclusive": "Cette option ne peut pas être cochée avec une autre.",
    "count_min": "Cochez au moins {min} option(s).",
    "count_max": "Cochez au plus {max} option(s).",
    "min": "La valeur doit être au moins {min}.",
    "max": "La valeur doit être au plus {max}.",
    "length": "Le texte dépasse {max_length} caractères.",
    "constraint": "La réponse ne respecte pas la règle de la question.",
    "required": "Cette question est obligatoire.",
    "filtered": "Ce choix n'est pas proposé avec vos réponses précédentes.",
    "calculated": "Cette valeur est calculée à partir des autres réponses : elle ne se saisit pas.",
}
# What a "type" error says, by question type: what is expected, in plain words.
EXPECTED = {
    "integer": "Indiquez un nombre entier, par exemple 12.",
    "decimal": "Indiquez un nombre, par exemple 12 ou 12,5.",
    "date": "Indiquez une date, par exemple 15/03/2026.",
    "select_one": "Choisissez une des options proposées.",
    "yes_no": "Choisissez une des options proposées.",
    "scale": "Choisissez une valeur de 1 à 5.",
    "select_multiple": "Cochez une ou plusieurs des options proposées.",
    "matrix": "Choisissez une option par ligne.",
    "text": "Indiquez un texte.",
    "textarea": "Indiquez un texte.",
}


@dataclass(frozen=True)
class Invalid:
    key: str
    code: str
    message: str


def allowed_codes(definition: Definition, question: Any) -> list[str]:
    codes = codes_of(definition, question)
    other = getattr(question, "other", None)
    if other is not None and other.code not in codes:
        codes.append(other.code)
    return codes


def _is_int(value: Any) -> bool:
    # 5.0 is an integer in a browser: the same here.
    if isinstance(value, float):
        return math.isfinite(value) and value.is_integer() and abs(value) <= MAX_ABS_NUMBER
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) <= MAX_ABS_NUMBER


def _is_number(value: Any) -> bool:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
        and abs(value) <= MAX_ABS_NUMBER
    )


def value_error(definition: Definition, flat: FlatQuestion, value: Any) -> str | None:
    """The code of what is wrong with `value` for this question (None: acceptable)."""
    if value is None:
        return None
    question = flat.question
    kind = flat.type
    if kind == "calculate":
        return "calculated"
    if question is None or kind in ("text", "textarea"):
        limit = question.max_length if question is not None else 500
        if not isinstance(value, str) or "\x00" in value:
            return "type"
        return "length" if len(value) > limit else None
    if kind in ("select_one", "yes_no"):
        if not isinstance(value, str):
            return "type"
        return None if value in allowed_codes(definition, question) else "choice"
    if kind == "select_multiple":
        return _multiple_error(definition, question, value)
    if kind in ("integer", "decimal", "scale"):
        return _number_error(question, kind, value)
    if kind == "matrix":
        if not isinstance(value, dict):
            return "type"
        rows = {row.code for row in question.rows}
        codes = allowed_codes(definition, question)
        for row, code in value.items():
            if row not in rows or not isinstance(code, str):
                return "type"
            if code not in codes:
                return "choice"
        return None
    if kind == "date":
        if not isinstance(value, str) or not ISO_DATE.match(value):
            return "type"
        try:
            date.fromisoformat(value)
        except ValueError:
            return "type"
    return None


def _multiple_error(definition: Definition, question: Any, value: Any) -> str | None:
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        return "type"
    if len(set(value)) != len(value):
        return "type"
    codes = allowed_codes(definition, question)
    if any(code not in codes for code in value):
        return "choice"
    exclusive = {c.code for c in definition.choice_lists[question.choices] if c.exclusive}
    if len(value) > 1 and any(code in exclusive for code in value):
        return "exclusive"
    ticked_exclusive = any(code in exclusive for code in value)
    if question.min is not None and len(value) < question.min and not ticked_exclusive:
        return "count_min"
    if question.max is not None and len(value) > question.max:
        return "count_max"
    return None


def _number_error(question: Any, kind: str, value: Any) -> str | None:
    if value == DONT_KNOW and isinstance(value, str) and question.dont_know:
        return None
    if kind == "scale":
        if not _is_int(value):
            return "type"
        return "min" if value < 1 else "max" if value > 5 else None
    if not (_is_int(value) if kind == "integer" else _is_number(value)):
        return "type"
    if question.min is not None and value < question.min:
        return "min"
    if question.max is not None and value > question.max:
        return "max"
    return None


def message_for(flat: FlatQuestion, code: str) -> str:
    question = flat.question
    if code == "constraint" and question is not None and question.constraint_message:
        return str(question.constraint_message)
    if code == "required" and getattr(question, "required_message", None):
        return str(question.required_message)
    if code == "type" and flat.type in EXPECTED:
        return EXPECTED[flat.type]
    values = {
        "min": _bound(getattr(question, "min", None), 1),
        "max": _bound(getattr(question, "max", None), 5),
        "max_length": getattr(question, "max_length", 500),
    }
    return MESSAGES[code].format(**values)


def _bound(value: Any, default: Any) -> str:
    if value is None:
        return str(default)
    return str(int(value)) if float(value).is_integer() else str(value)


def stored_calculation(value: Any) -> Any:
    """A calculation's value as it is kept: a finite number (an integer when it is one), else
    its XPath string, the empty string being no value (NaN and ±Infinity are none either)."""
    if isinstance(value, float) and not isinstance(value, bool):
        if not math.isfinite(value):
            return None
        return int(value) if value.is_integer() and abs(value) <= MAX_ABS_NUMBER else value
    text = to_string(value)
    return text if text != "" else None


def relevant_answers(
    flats: list[FlatQuestion], answers: Mapping[str, Any], org: Mapping[str, Any]
) -> tuple[dict[str, Any], set[str]]:
    """The answers that count (relevant and answered), and the keys of relevant questions.

    Questions are taken in order and a condition only sees the answers kept so far, so an
    answer to a question that is no longer shown never makes a later one appear. A calculation
    is computed from the answers kept before it, whatever was stored under its key.
    """
    kept: dict[str, Any] = {}
    relevant: set[str] = set()
    for flat in flats:
        if all(evaluate(condition, kept, org) for condition in flat.relevant):
            relevant.add(flat.key)
            if flat.type == "calculate":
                value = stored_calculation(evaluate_value(flat.question.calculation, kept, org))
            else:
                value = answers.get(flat.key)
            if is_answered(value):
                kept[flat.key] = value
    return kept, relevant


def check_answers(
    definition: Definition,
    flats: list[FlatQuestion],
    answers: Mapping[str, Any],
    org: Mapping[str, Any],
    *,
    keys: set[str] | None = None,
    complete: bool = False,
) -> list[Invalid]:
    """What is wrong among `keys` (all when None); with `complete`, required ones too."""
    kept, relevant = relevant_answers(flats, answers, org)
    problems: list[Invalid] = []
    for flat in flats:
        if keys is not None and flat.key not in keys:
            continue
        # A calculation's value is the server's own (stored at submission): nothing to judge;
        # one sent by a respondent is refused before (value_error: "calculated").
        if flat.key not in relevant or flat.type == "calculate":
            continue
        value = answers.get(flat.key)
        code = value_error(definition, flat, value)
        if code is None and is_answered(value):
            code = _filtered(definition, flat, value, kept, org)
        # "Ne sait pas" is an answer, but not one a constraint can judge.
        if code is None and is_answered(value) and value != DONT_KNOW:
            constraint = getattr(flat.question, "constraint", None)
            if constraint is not None and not evaluate(constraint, {**kept, flat.key: value}, org):
                code = "constraint"
        if code is None and complete and flat.required and not is_answered(value):
            code = "required"
        if code is not None:
            problems.append(Invalid(flat.key, code, message_for(flat, code)))
    return problems


def _filtered(
    definition: Definition,
    flat: FlatQuestion,
    value: Any,
    answers: Mapping[str, Any],
    org: Mapping[str, Any],
) -> str | None:
    """ "filtered" when a code is one the question's choice filter does not offer."""
    tree = getattr(flat.question, "choice_filter", None)
    if tree is None:
        return None
    choices = {choice.code: choice for choice in definition.choice_lists[flat.question.choices]}
    for code in value if isinstance(value, list) else [value]:
        choice = choices.get(code)
        if choice is not None and not offered(tree, choice.model_dump(), answers, org):
            return "filtered"
    return None


def progress(
    flats: list[FlatQuestion], answers: Mapping[str, Any], org: Mapping[str, Any]
) -> dict[str, int]:
    kept, relevant = relevant_answers(flats, answers, org)
    # A calculation is no question: it counts neither as asked nor as answered.
    calculated = {flat.key for flat in flats if flat.type == "calculate"}
    return {"answered": len(kept.keys() - calculated), "relevant": len(relevant - calculated)}
