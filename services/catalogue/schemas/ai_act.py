"""What the API answers about the AI Act: the rule set, and the outcome of a qualification."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from services.catalogue.ai_act import engine, qualification
from services.catalogue.ai_act.engine import Obligation, Outcome, Step
from services.catalogue.models import UseCase

# An answer is a code, or a list of codes for a question of kind "many"; bounded as every body.
Answer = str | list[str]
Code = Annotated[str, StringConstraints(max_length=100)]
AnswerIn = Code | Annotated[list[Code], Field(max_length=50)]


class QualifyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answers: dict[Code, AnswerIn] = Field(
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


class OutcomeView(BaseModel):
    """Where the answers lead: the class, the role, the duties and the trail of provisions."""

    rules_version: str
    complete: bool
    ai_act_class: str | None
    class_provision: str | None
    role: str | None
    tags: list[str]
    # The engine's own records: a duty with its article and date, a step of the trail.
    obligations: list[Obligation]
    next_question: str | None
    unanswered: list[str]
    trail: list[Step]


def outcome_view(outcome: Outcome) -> OutcomeView:
    return OutcomeView.model_validate(dataclasses.asdict(outcome))


class AiActSource(BaseModel):
    """Where a fiche's AI Act class comes from: a qualification (and under which rules), or the
    contributor's own declaration; `requalify` when the rules changed since."""

    source: Literal["qualification", "declaration"] | None
    label: str | None
    rules_version: str | None
    current_rules_version: str
    requalify: bool


def ai_act_source(content: Mapping[str, Any]) -> AiActSource:
    version = qualification.qualified_under(content)
    current = engine.rules().version
    if version is not None:
        source, label = "qualification", f"qualifiée (règles v{version})"
    elif content.get("ai_act_class"):
        source, label = "declaration", "déclarée par le contributeur"
    else:
        source, label = None, None
    return AiActSource(
        source=source,
        label=label,
        rules_version=version,
        current_rules_version=current,
        requalify=qualification.to_requalify(content),
    )


class QualificationView(BaseModel):
    """A fiche's qualification as saved (answers, outcome), and the fields it set in the draft."""

    use_case_id: int
    title: str
    version: int = Field(description="Version de la fiche (son ETag), à renvoyer dans If-Match.")
    answers: dict[str, Answer]
    rules_version: str | None = Field(description="Version des règles des réponses enregistrées.")
    qualified_at: datetime | None
    outcome: OutcomeView | None
    draft: AiActSource = Field(description="D'où vient la classe du brouillon de la fiche.")


def qualification_view(use_case: UseCase) -> QualificationView:
    assert use_case.id is not None
    saved = use_case.qualification or {}
    return QualificationView(
        use_case_id=use_case.id,
        title=use_case.draft.get("title") or use_case.title,
        version=use_case.version,
        answers=saved.get("answers", {}),
        rules_version=saved.get("rules_version"),
        qualified_at=saved.get("qualified_at"),
        outcome=OutcomeView.model_validate(saved["outcome"]) if "outcome" in saved else None,
        draft=ai_act_source(use_case.draft),
    )
