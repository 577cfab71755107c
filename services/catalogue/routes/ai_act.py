"""The AI Act's qualification, open to anyone: the rule set, and where answers lead."""

from __future__ import annotations

from fastapi import APIRouter

from services.catalogue.ai_act import engine
from services.catalogue.schemas.ai_act import OutcomeView, QualifyRequest, RuleSet, outcome_view
from services.common.errors import Unprocessable

router = APIRouter(prefix="/ai-act", tags=["règlement IA"])


@router.get("/rules", response_model=RuleSet)
def ai_act_rules() -> dict[str, object]:
    """Le jeu de règles de qualification (questions, classes, obligations, dates) et sa version."""
    return engine.rules().document


@router.post("/qualify", response_model=OutcomeView)
def qualify_answers(body: QualifyRequest) -> OutcomeView:
    """La qualification des réponses données : classe, rôle, obligations avec leur article et leur
    date, questions restant à répondre, et le fil des réponses avec la disposition appliquée."""
    try:
        outcome = engine.qualify(body.answers)
    except engine.AnswerError as error:
        raise answer_problem(error) from error
    return outcome_view(outcome)


def answer_problem(error: engine.AnswerError) -> Unprocessable:
    """The 422 that names each answer the questions do not offer."""
    return Unprocessable(
        "Des réponses ne correspondent pas aux questions du jeu de règles.",
        extra={
            "errors": [
                {
                    "loc": ["body", "answers", e["question"]],
                    "msg": e["message"],
                    "type": "value_error",
                }
                for e in error.errors
            ]
        },
    )
