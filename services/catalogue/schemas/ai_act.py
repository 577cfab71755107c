"""What the API answers about the AI Act: the rule set, and the outcome of a qualification."""

from __future__ import annotations

import dataclasses
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from services.catalogue.ai_act.engine import Outcome

# An answer is a code, or a list of codes for a question of kind "many"; bounded as every body.
Answer = str | list[str]


class QualifyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answers: dict[str, Answer] = Field(
        default_factory=dict,
        max_length=200,
        description="Les réponses données jusqu'ici : {identifiant de question: code ou liste de codes}.",
        examples=[{"ai_system": "apprentissage", "scope_exclusion": "aucune"}],
    )


class RuleSet(BaseModel):
    """The rule set as it is in the repository (see its JSON Schema)."""

    model_config = ConfigDict(extra="allow")

    version: str
    source: dict[str, Any]
    dates: dict[str, Any]
    questions: list[dict[str, Any]]


class TrailStep(BaseModel):
    question: str
    text: str
    answer: Answer
    labels: list[str]
    provision: str


class ObligationView(BaseModel):
    id: str
    title: str
    text: str
    provision: str
    applies_from: str
    date_label: str
    date_source: str


class OutcomeView(BaseModel):
    """Where the answers lead: the class, the role, the duties and the trail of provisions."""

    rules_version: str
    complete: bool
    ai_act_class: str | None
    class_provision: str | None
    role: str | None
    tags: list[str]
    obligations: list[ObligationView]
    next_question: str | None
    unanswered: list[str]
    trail: list[TrailStep]


def outcome_view(outcome: Outcome) -> OutcomeView:
    return OutcomeView.model_validate(dataclasses.asdict(outcome))
