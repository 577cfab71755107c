"""Answers as people read them: labels rather than codes, for the receipt e-mail and the
codebook."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from services.survey import campaigns
from services.survey.answering import Respondent
from services.survey.definition import YES_NO_CHOICES
from services.survey.questionnaires.store import Parsed
from services.survey.rules import relevant_answers


def receipt_text(
    parsed: Parsed, who: Respondent, answers: Mapping[str, Any], submitted_on: date
) -> str:
    """The copy of the answers sent with the receipt, question by question, in French."""
    kept, _ = relevant_answers(parsed.flats, answers, who.org)
    lines = [
        "Bonjour,",
        "",
        f"Les réponses de {who.name} à la campagne « {who.campaign.title} » ont bien été "
        f"envoyées le {campaigns.french_day(submitted_on)}.",
        f"Elles restent modifiables avec le même lien jusqu'au {campaigns.french_day(who.campaign.closes_on)} inclus.",
        "",
        "Copie de vos réponses :",
        "",
    ]
    for flat in parsed.flats:
        # A calculation is no answer the respondent gave: the copy leaves it out.
        if flat.key in kept and flat.type != "calculate":
            lines.append(f"- {flat.label}")
            lines.append(f"  {display_value(parsed, flat.key, kept[flat.key])}")
    lines += [
        "",
        "Merci pour votre participation.",
        "L'équipe du plan « Les intelligences associées des territoires »",
    ]
    return "\n".join(lines) + "\n"


def display_value(parsed: Parsed, key: str, value: Any) -> str:
    """An answer as a person reads it: labels rather than codes."""
    flat = parsed.by_key[key]
    labels = choice_labels(parsed, key)
    if isinstance(value, list):
        return " ; ".join(labels.get(str(code), str(code)) for code in value)
    if isinstance(value, dict):
        rows = (
            {row.code: row.label for row in flat.question.rows} if flat.question is not None else {}
        )
        return " ; ".join(
            f"{rows.get(row, row)} : {labels.get(code, code)}" for row, code in value.items()
        )
    if value == "nsp":
        return "Ne sait pas"
    if isinstance(value, str):
        return labels.get(value, value)
    unit = getattr(flat.question, "unit", None)
    return f"{value} {unit}" if unit else str(value)


def choice_labels(parsed: Parsed, key: str) -> dict[str, str]:
    question = parsed.by_key[key].question
    if question is None:
        return {}
    if question.type == "yes_no":
        return dict(YES_NO_CHOICES)
    name = getattr(question, "choices", None)
    labels = {c.code: c.label for c in parsed.definition.choice_lists.get(name, [])} if name else {}
    other = getattr(question, "other", None)
    if other is not None:
        labels.setdefault(other.code, "Autre")
    return labels
