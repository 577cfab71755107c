"""The qualification of a system under the AI Act, from answers to the rule set's questions.

The rules are data (`rules/ai-act.json`, checked against `rules/ai-act.schema.json`): the
questions in the order they are asked, each asked only when its condition holds of the answers
before it; named conditions that the others refer to (`{"ref": name}`), so that "the system is
high-risk" is written once; the class (the first that applies), the role, and the obligations
with the date each applies from (the first date whose condition holds). The engine only reads
them: it has no article of its own.

Answers are `{question id: code}` (a list of codes for a question of kind "many"). Answers to
questions that are not asked (their condition fails) are ignored, as a form hides them; a
condition on a question that is not asked is false (it has no answer, and never will), while a
condition on a question still to answer is undecided.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

RULES_FILE = Path(__file__).with_name("rules") / "ai-act.json"
SCHEMA_FILE = Path(__file__).with_name("rules") / "ai-act.schema.json"

Answer = str | list[str]
Answers = Mapping[str, Answer]


@dataclass(frozen=True)
class Rules:
    document: dict[str, Any]

    @property
    def version(self) -> str:
        return str(self.document["version"])

    @property
    def questions(self) -> list[dict[str, Any]]:
        return list(self.document["questions"])

    def question(self, question_id: str) -> dict[str, Any] | None:
        return next((q for q in self.document["questions"] if q["id"] == question_id), None)

    def date(self, key: str) -> dict[str, Any]:
        return dict(self.document["dates"][key])

    @property
    def conditions(self) -> dict[str, Any]:
        return dict(self.document.get("conditions", {}))


@cache
def rules() -> Rules:
    """The rule set this process carries."""
    with RULES_FILE.open(encoding="utf-8") as handle:
        return Rules(json.load(handle))


class AnswerError(ValueError):
    """An answer that the question does not offer: `errors` lists them, by question."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__("; ".join(f"{e['question']}: {e['message']}" for e in errors))
        self.errors = errors


@dataclass
class Step:
    """One question asked and its answer, with the provision the answer applied."""

    question: str
    text: str
    answer: Answer
    labels: list[str]
    provision: str


@dataclass
class Obligation:
    id: str
    title: str
    text: str
    provision: str
    applies_from: str
    date_label: str
    date_source: str


@dataclass
class Outcome:
    rules_version: str
    complete: bool
    # None while a question that decides it is unanswered.
    ai_act_class: str | None
    class_provision: str | None
    role: str | None
    tags: list[str] = field(default_factory=list)
    obligations: list[Obligation] = field(default_factory=list)
    next_question: str | None = None
    unanswered: list[str] = field(default_factory=list)
    trail: list[Step] = field(default_factory=list)

    def tagged(self, kind: str) -> list[str]:
        """The codes of the tags of one kind ("annex_iii_area" → ["services_essentiels"])."""
        prefix = f"{kind}:"
        return [tag[len(prefix) :] for tag in self.tags if tag.startswith(prefix)]


def _chosen(answer: Answer | None) -> list[str]:
    if answer is None:
        return []
    return [answer] if isinstance(answer, str) else list(answer)


@dataclass(frozen=True)
class Facts:
    """What conditions are decided on: the answers that count, the questions not asked (a
    condition on them is false), and the rule set's named conditions."""

    answers: Answers
    skipped: frozenset[str] = frozenset()
    named: Mapping[str, Any] = field(default_factory=dict)


def holds(condition: Mapping[str, Any] | None, facts: Facts) -> bool | None:
    """Whether the condition holds of the facts; None when it depends on an answer not given."""
    if condition is None:
        return True
    if "q" in condition:
        answer = facts.answers.get(condition["q"])
        if answer is None:
            return False if condition["q"] in facts.skipped else None
        return bool(set(_chosen(answer)) & set(condition["in"]))
    if "answered" in condition:
        return condition["answered"] in facts.answers
    if "ref" in condition:
        return holds(facts.named[condition["ref"]], facts)
    if "not" in condition:
        inner = holds(condition["not"], facts)
        return None if inner is None else not inner
    parts = [holds(part, facts) for part in condition.get("all", condition.get("any", []))]
    decisive = "all" not in condition  # one False decides an "all", one True an "any"
    if decisive in parts:
        return decisive
    return None if None in parts else not decisive


def _check(question: Mapping[str, Any], answer: Answer) -> str | None:
    codes = {option["code"] for option in question["options"]}
    if question["kind"] == "one" and not isinstance(answer, str):
        return "une seule réponse est attendue"
    if question["kind"] == "many" and isinstance(answer, str):
        return "une liste de réponses est attendue"
    unknown = [code for code in _chosen(answer) if code not in codes]
    if unknown:
        return f"réponse inconnue : {', '.join(unknown)} (attendu : {', '.join(sorted(codes))})"
    return None


def _asked(rule_set: Rules, answers: Answers) -> tuple[Facts, list[str]]:
    """The facts to decide on (the answers that count: their question is asked; the questions
    not asked), and the questions asked, or perhaps asked, that have no answer yet, in order."""
    kept: dict[str, Answer] = {}
    skipped: set[str] = set()
    unanswered: list[str] = []
    for question in rule_set.questions:
        asked = holds(question.get("when"), Facts(kept, frozenset(skipped), rule_set.conditions))
        if asked is False:
            skipped.add(question["id"])
            continue
        if asked is None or question["id"] not in answers:
            unanswered.append(question["id"])
            continue
        kept[question["id"]] = answers[question["id"]]
    return Facts(kept, frozenset(skipped), rule_set.conditions), unanswered


def validate(rule_set: Rules, answers: Answers) -> None:
    """Raise AnswerError for an unknown question or an answer its question does not offer."""
    errors = []
    for question_id, answer in answers.items():
        question = rule_set.question(question_id)
        if question is None:
            errors.append({"question": question_id, "message": "question inconnue"})
            continue
        problem = _check(question, answer)
        if problem is not None:
            errors.append({"question": question_id, "message": problem})
    if errors:
        raise AnswerError(errors)


def _first(entries: Sequence[Mapping[str, Any]], facts: Facts) -> Mapping[str, Any] | None:
    """The first entry whose condition holds; None if one before it is still undecided."""
    for entry in entries:
        found = holds(entry.get("when"), facts)
        if found is None:
            return None
        if found:
            return entry
    return None


def _obligations(rule_set: Rules, facts: Facts) -> list[Obligation]:
    """The obligations that apply, each with the date it applies from: one date, or the first
    of several whose condition holds (the last has none)."""
    found: list[Obligation] = []
    for obligation in rule_set.document["obligations"]:
        if not holds(obligation["when"], facts):
            continue
        dated = obligation["from"]
        entry = {"date": dated} if isinstance(dated, str) else _first(dated, facts)
        if entry is None:
            continue  # its date depends on an answer not given yet
        date = rule_set.date(entry["date"])
        found.append(
            Obligation(
                obligation["id"],
                obligation["title"],
                obligation["text"],
                obligation["provision"]["ref"],
                date["date"],
                date["label"],
                date["source"],
            )
        )
    return found


def qualify(answers: Answers, rule_set: Rules | None = None) -> Outcome:
    """The outcome of the answers given so far (validated: see `validate`)."""
    rule_set = rule_set or rules()
    validate(rule_set, answers)
    facts, unanswered = _asked(rule_set, answers)
    complete = not unanswered
    chosen_class = _first(rule_set.document["classes"], facts)
    role = _first(rule_set.document.get("roles", []), facts)
    outcome = Outcome(
        rules_version=rule_set.version,
        complete=complete,
        ai_act_class=None if chosen_class is None else chosen_class["class"],
        class_provision=None if chosen_class is None else chosen_class["provision"]["ref"],
        role=None if role is None else role["role"],
        next_question=unanswered[0] if unanswered else None,
        unanswered=unanswered,
    )
    for question_id, answer in facts.answers.items():
        question = rule_set.question(question_id)
        assert question is not None
        options = [o for o in question["options"] if o["code"] in _chosen(answer)]
        outcome.tags += [tag for option in options for tag in option.get("tags", [])]
        provision = next(
            (o["provision"]["ref"] for o in options if "provision" in o),
            question["provision"]["ref"],
        )
        outcome.trail.append(
            Step(question_id, question["text"], answer, [o["label"] for o in options], provision)
        )
    outcome.tags = list(dict.fromkeys(outcome.tags))  # two answers may establish the same
    outcome.obligations = _obligations(rule_set, facts)
    return outcome
