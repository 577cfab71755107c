"""The AI Act qualification of one fiche: its answers, saved as they come, and the fields they set.

`UseCase.qualification` keeps the working state: `{answers, rules_version, outcome,
qualified_at}` (and `requalify_notice`, the rule set's version its contact was told about).
A complete qualification writes the fiche's AI Act fields into the draft, with a mark of the
rule set they come from (`QUALIFIED`, a key of the content): they go public with the next
publication, as any edit, and the public view can say that its class was qualified, and under
which rules. A field changed by hand drops the mark: the value is the contributor's again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, Final

from sqlmodel import Session

from services.catalogue import workflow
from services.catalogue.ai_act import engine
from services.catalogue.models import UseCase
from services.common.sql import utcnow

# The content's key that says which rule set the AI Act fields come from ({"rules_version"}).
QUALIFIED: Final = "ai_act_qualification"
# The fiche's fields that a complete qualification sets.
FIELDS: Final[tuple[str, ...]] = (
    "ai_act_class",
    "ai_act_role",
    "annex_iii_area",
    "art50_obligations",
)


def fields_of(outcome: engine.Outcome) -> dict[str, Any]:
    """The fiche's AI Act fields as a complete outcome sets them."""
    areas = outcome.tagged("annex_iii_area")
    art50 = list(dict.fromkeys(outcome.tagged("art50")))
    return {
        "ai_act_class": outcome.ai_act_class,
        "ai_act_role": outcome.role,
        "annex_iii_area": areas[0] if areas else None,
        "art50_obligations": art50 or None,
    }


def qualified_under(content: Mapping[str, Any]) -> str | None:
    """The rule set's version the content's AI Act fields come from; None if self-declared."""
    mark = content.get(QUALIFIED)
    return str(mark["rules_version"]) if isinstance(mark, dict) else None


def to_requalify(content: Mapping[str, Any]) -> bool:
    """Whether the content was qualified under a rule set older than (other than) this one."""
    version = qualified_under(content)
    return version is not None and version != engine.rules().version


def save(session: Session, use_case: UseCase, *, answers: engine.Answers) -> engine.Outcome:
    """Store the answers and their outcome; a complete one sets the draft's AI Act fields.

    Raises `engine.AnswerError` (nothing stored) for answers the questions do not offer."""
    outcome = engine.qualify(answers)
    # A new dict: the JSON column sees a change only when it is assigned.
    use_case.qualification = {
        **(use_case.qualification or {}),
        "answers": dict(answers),
        "rules_version": outcome.rules_version,
        "outcome": dataclasses.asdict(outcome),
        "qualified_at": utcnow().isoformat(),
    }
    changes = _changes(use_case.draft, outcome) if outcome.complete else {}
    if changes:
        workflow.update_draft(session, use_case, changes=changes)
    else:
        # The content is unchanged, the fiche is not: a new version (ETag) for the next save.
        workflow.touch(session, use_case)
    return outcome


def _changes(draft: Mapping[str, Any], outcome: engine.Outcome) -> dict[str, Any]:
    wanted = {**fields_of(outcome), QUALIFIED: {"rules_version": outcome.rules_version}}
    return {name: value for name, value in wanted.items() if draft.get(name) != value}


def hand_edits(draft: Mapping[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """The changes of an edit, without the qualification's mark if they alter its fields."""
    altered = any(name in changes and changes[name] != draft.get(name) for name in FIELDS)
    if altered and draft.get(QUALIFIED) is not None:
        return {**changes, QUALIFIED: None}
    return changes
