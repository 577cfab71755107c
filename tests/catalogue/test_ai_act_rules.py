"""The rule set hangs together: what its schema cannot say. Each condition names a question
asked before it and codes that question offers, each named condition and date it refers to
exists, and its classes, roles and tags use the fiche's vocabularies."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from services.catalogue.ai_act import engine
from services.catalogue.vocabularies.codes import (
    AI_ACT_CLASS,
    AI_ACT_ROLE,
    ANNEX_III_AREA,
    ART50_OBLIGATION,
)


def _leaves(condition: Mapping[str, Any] | None) -> Iterator[Mapping[str, Any]]:
    """The conditions on one answer or one name, inside a condition."""
    if condition is None:
        return
    if "q" in condition or "answered" in condition or "ref" in condition:
        yield condition
    for part in condition.get("all", condition.get("any", [])):
        yield from _leaves(part)
    if "not" in condition:
        yield from _leaves(condition["not"])


def _problems(condition: Mapping[str, Any] | None, known: Mapping[str, set[str]]) -> list[str]:
    named = engine.rules().conditions
    problems = []
    for leaf in _leaves(condition):
        if "ref" in leaf:
            if leaf["ref"] not in named:
                problems.append(f"condition inconnue : {leaf['ref']}")
            continue
        question = leaf.get("q", leaf.get("answered"))
        if question not in known:
            problems.append(f"question inconnue ou posée après : {question}")
        elif "in" in leaf and not set(leaf["in"]) <= known[question]:
            problems.append(f"{question} n'offre pas {set(leaf['in']) - known[question]}")
    return problems


def test_conditions_name_questions_asked_before_and_codes_they_offer() -> None:
    rules = engine.rules()
    every = {q["id"]: {o["code"] for o in q["options"]} for q in rules.questions}
    problems: list[str] = []
    before: dict[str, set[str]] = {}
    for question in rules.questions:
        # A question is asked on what was answered before it; a named condition it refers to
        # may reach further, so named conditions are checked against every question.
        for leaf in _leaves(question.get("when")):
            if "ref" not in leaf:
                problems += _problems(leaf, before)
        before[question["id"]] = every[question["id"]]
    for condition in rules.conditions.values():
        problems += _problems(condition, every)
    document = rules.document
    for entry in [*document["classes"], *document["roles"], *document["obligations"]]:
        problems += _problems(entry.get("when"), every)
        for dated in entry.get("from", []) if isinstance(entry.get("from"), list) else []:
            problems += _problems(dated.get("when"), every)
    assert problems == []


def test_ids_are_unique_and_dates_exist() -> None:
    rules = engine.rules()
    question_ids = [q["id"] for q in rules.questions]
    assert len(question_ids) == len(set(question_ids))
    for question in rules.questions:
        codes = [o["code"] for o in question["options"]]
        assert len(codes) == len(set(codes)), question["id"]
    obligations = rules.document["obligations"]
    assert len({o["id"] for o in obligations}) == len(obligations)
    for obligation in obligations:
        dated = obligation["from"]
        keys = [dated] if isinstance(dated, str) else [d["date"] for d in dated]
        assert set(keys) <= set(rules.document["dates"]), obligation["id"]
        if not isinstance(dated, str):
            assert "when" not in dated[-1], obligation["id"]  # the last date is the default
    # The last class applies when no other does.
    assert "when" not in rules.document["classes"][-1]


def test_classes_roles_and_tags_use_the_fiche_vocabularies() -> None:
    rules = engine.rules()
    assert {c["class"] for c in rules.document["classes"]} == set(AI_ACT_CLASS)
    assert {r["role"] for r in rules.document["roles"]} == set(AI_ACT_ROLE)
    tags = {t for q in rules.questions for o in q["options"] for t in o.get("tags", [])}
    areas = {t.split(":")[1] for t in tags if t.startswith("annex_iii_area:")}
    duties = {t.split(":")[1] for t in tags if t.startswith("art50:")}
    assert areas == set(ANNEX_III_AREA)
    assert duties == set(ART50_OBLIGATION)
    assert {t.split(":")[0] for t in tags} == {"annex_iii_area", "annex_iii", "art50", "art5"}


def test_the_fria_and_the_registration_keep_the_ids_the_fiche_relies_on() -> None:
    ids = {o["id"]: o["provision"]["ref"] for o in engine.rules().document["obligations"]}
    assert ids["art27_fria"].startswith("Art. 27")
    assert "49(3)" in ids["art49_registration"]


def test_a_condition_on_a_question_not_asked_is_false_and_on_one_to_answer_undecided() -> None:
    on_b = {"q": "b", "in": ["oui"]}
    named = {"b_oui": on_b}
    assert engine.holds(on_b, engine.Facts({"a": "non"}, frozenset({"b"}))) is False
    assert engine.holds(on_b, engine.Facts({"a": "oui"})) is None
    assert engine.holds({"not": on_b}, engine.Facts({}, frozenset({"b"}))) is True
    # One false part decides an "all", one true part an "any", even with a part undecided.
    undecided = engine.Facts({"a": "oui"}, named=named)
    assert engine.holds({"all": [{"q": "a", "in": ["non"]}, {"ref": "b_oui"}]}, undecided) is False
    assert engine.holds({"any": [{"q": "a", "in": ["oui"]}, {"ref": "b_oui"}]}, undecided) is True
    assert engine.holds({"all": [{"q": "a", "in": ["oui"]}, {"ref": "b_oui"}]}, undecided) is None


def test_an_obligation_takes_the_first_of_its_dates_that_holds() -> None:
    def marking(before: str) -> str:
        answers: dict[str, engine.Answer] = {
            "ai_system": "apprentissage",
            "scope_exclusion": "aucune",
            "role_origin": "developpe_interne",
            "role_use": "autres_seulement",
            "prohibited_practices": ["aucune"],
            "annex_i_product": "non",
            "annex_iii_area": ["aucun"],
            "interaction": "non",
            "synthetic_content": "oui",
            "generative_on_market_before": before,
            "deepfake": "non",
            "public_interest_text": "non",
        }
        outcome = engine.qualify(answers)
        return next(o.applies_from for o in outcome.obligations if o.id == "art50_2_marking")

    assert marking("oui") == engine.rules().date("art50_2_legacy")["date"]
    assert marking("non") == engine.rules().date("general")["date"]
