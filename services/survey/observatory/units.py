"""What of a questionnaire can be estimated: one *unit* per closed question (per row of a
matrix), with its answers; free text and dates are never published."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from services.survey.definition import DONT_KNOW
from services.survey.questionnaires.store import Parsed
from services.survey.receipts import choice_labels

Shape = Literal["single", "multiple", "numeric"]
UNPUBLISHED = {
    "text": "Réponse libre : jamais publiée.",
    "textarea": "Réponse libre : jamais publiée.",
    "date": "Date : non agrégée.",
    "calculate": "Valeur calculée : non agrégée.",
}


@dataclass(frozen=True)
class Unit:
    """A question (or a matrix row) and the answers whose shares are estimated."""

    key: str  # the question's key, or "key/row" for a matrix row
    question: str
    label: str
    type: str
    shape: Shape
    codes: tuple[str, ...]
    labels: tuple[str, ...]
    unit: str | None = None  # of a numeric question
    # Every condition that must hold for the question to be shown (its sections' and its own):
    # whom a question was asked of, for the totals (see `asked`).
    conditions: tuple[Any, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class Skipped:
    key: str
    label: str
    reason: str


def estimated_keys(parsed: Parsed) -> frozenset[str]:
    """The questions `units_of` makes units of (cheap: the save path asks)."""
    return frozenset(
        flat.key
        for flat in parsed.flats
        if flat.question is not None and flat.type not in UNPUBLISHED
    )


def units_of(parsed: Parsed) -> tuple[list[Unit], list[Skipped]]:
    units: list[Unit] = []
    skipped: list[Skipped] = []
    for flat in parsed.flats:
        question = flat.question
        if question is None or flat.type in UNPUBLISHED:
            skipped.append(
                Skipped(flat.key, flat.label, UNPUBLISHED.get(flat.type, UNPUBLISHED["text"]))
            )
            continue
        if flat.type in ("integer", "decimal"):
            units.append(
                Unit(
                    flat.key,
                    flat.key,
                    flat.label,
                    flat.type,
                    "numeric",
                    (),
                    (),
                    question.unit,
                    tuple(flat.relevant),
                )
            )
            continue
        labels = choice_labels(parsed, flat.key)
        if flat.type == "scale":
            labels = {str(value): str(value) for value in range(1, 6)}
            if question.dont_know:
                labels[DONT_KNOW] = "Ne sait pas"
        codes = tuple(labels)
        names = tuple(labels[code] for code in codes)
        if flat.type == "matrix":
            units.extend(
                Unit(
                    f"{flat.key}/{row.code}",
                    flat.key,
                    f"{flat.label} — {row.label}",
                    flat.type,
                    "single",
                    codes,
                    names,
                    conditions=tuple(flat.relevant),
                )
                for row in question.rows
            )
            continue
        shape: Shape = "multiple" if flat.type == "select_multiple" else "single"
        units.append(
            Unit(
                flat.key,
                flat.key,
                flat.label,
                flat.type,
                shape,
                codes,
                names,
                conditions=tuple(flat.relevant),
            )
        )
    return units, skipped
