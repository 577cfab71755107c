"""The qualification cases (`ai_act_cases.json`): local-authority systems written from the
regulation, each with its answers and the outcome the text gives, run through the engine; and
the coverage of the rule set by them: every question asked, every option chosen, every class,
role and obligation reached by at least one case.

The expected outcomes are written by hand from the articles each case cites, not taken from the
engine: a change of the rules that changes an outcome fails here until the case is revisited."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from services.catalogue.ai_act import engine

CASES_FILE = Path(__file__).with_name("ai_act_cases.json")

CASES_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["rules_version", "cases"],
    "additionalProperties": False,
    "properties": {
        "rules_version": {"type": "string"},
        "cases": {
            "type": "array",
            "minItems": 50,
            "items": {
                "type": "object",
                "required": ["id", "description", "articles", "answers", "expected"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string", "pattern": "^[a-z0-9_]+$"},
                    "description": {"type": "string", "minLength": 20},
                    "articles": {"type": "array", "minItems": 1, "items": {"type": "string"}},
                    "answers": {"type": "object"},
                    "expected": {
                        "type": "object",
                        "required": ["class", "role", "obligations"],
                        "additionalProperties": False,
                        "properties": {
                            "class": {"type": "string"},
                            "role": {"type": ["string", "null"]},
                            "obligations": {"type": "array", "items": {"type": "string"}},
                            "tags": {"type": "array", "items": {"type": "string"}},
                            "dates": {"type": "object", "additionalProperties": {"type": "string"}},
                        },
                    },
                },
            },
        },
    },
}


def _document() -> dict[str, Any]:
    return dict(json.loads(CASES_FILE.read_text(encoding="utf-8")))


def _cases() -> list[dict[str, Any]]:
    return list(_document()["cases"])


def _outcomes() -> Iterator[tuple[dict[str, Any], engine.Outcome]]:
    for case in _cases():
        yield case, engine.qualify(case["answers"])


def test_the_cases_are_well_formed_and_written_for_this_rule_set() -> None:
    document = _document()
    jsonschema.validate(document, CASES_SCHEMA)
    ids = [case["id"] for case in document["cases"]]
    assert len(ids) == len(set(ids))
    # A new version of the rules is a reason to read every case again.
    assert document["rules_version"] == engine.rules().version


@pytest.mark.parametrize("case", _cases(), ids=lambda case: str(case["id"]))
def test_a_case_leads_to_the_outcome_the_regulation_gives(case: dict[str, Any]) -> None:
    outcome = engine.qualify(case["answers"])
    expected = case["expected"]
    assert outcome.complete, f"questions left: {outcome.unanswered}"
    # Every answer of the case is to a question actually asked: none is silently ignored.
    assert {step.question for step in outcome.trail} == set(case["answers"])
    assert outcome.ai_act_class == expected["class"]
    assert outcome.role == expected["role"]
    assert sorted(o.id for o in outcome.obligations) == sorted(expected["obligations"])
    assert set(expected.get("tags", [])) <= set(outcome.tags)
    dates = {o.id: o.applies_from for o in outcome.obligations}
    for obligation, date in expected.get("dates", {}).items():
        assert dates[obligation] == date, obligation


def test_every_question_and_option_is_reached_by_a_case() -> None:
    asked: set[str] = set()
    chosen: set[tuple[str, str]] = set()
    for _, outcome in _outcomes():
        for step in outcome.trail:
            asked.add(step.question)
            codes = [step.answer] if isinstance(step.answer, str) else step.answer
            chosen.update((step.question, code) for code in codes)
    questions = engine.rules().questions
    assert {q["id"] for q in questions} - asked == set()
    options = {(q["id"], o["code"]) for q in questions for o in q["options"]}
    assert options - chosen == set()


def test_every_class_role_and_obligation_is_reached_by_a_case() -> None:
    document = engine.rules().document
    classes: set[tuple[str | None, str | None]] = set()
    roles: set[str | None] = set()
    obligations: set[str] = set()
    for _, outcome in _outcomes():
        classes.add((outcome.ai_act_class, outcome.class_provision))
        roles.add(outcome.role)
        obligations.update(o.id for o in outcome.obligations)
    # Each rule of class, not only each class: the ground it is reached on.
    assert {(c["class"], c["provision"]["ref"]) for c in document["classes"]} - classes == set()
    assert {r["role"] for r in document["roles"]} - roles == set()
    assert {o["id"] for o in document["obligations"]} - obligations == set()
