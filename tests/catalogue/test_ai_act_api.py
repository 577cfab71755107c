"""The AI Act qualification through the API: the rule set as published, a qualification, and
answers the questions do not offer (a 422 naming them)."""

from __future__ import annotations

import json

import jsonschema

from services.catalogue.ai_act.engine import RULES_FILE, SCHEMA_FILE
from tests.catalogue.support import Catalogue
from tests.helpers import assert_problem


def test_the_rule_set_is_valid_against_its_schema() -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    rules = json.loads(RULES_FILE.read_text(encoding="utf-8"))
    jsonschema.validate(rules, schema, format_checker=jsonschema.FormatChecker())


def test_the_rules_are_published_with_their_version(catalogue: Catalogue) -> None:
    published = catalogue.client.get("/ai-act/rules").json()
    assert published == json.loads(RULES_FILE.read_text(encoding="utf-8"))


def test_a_chatbot_has_a_transparency_duty_from_its_date(catalogue: Catalogue) -> None:
    response = catalogue.client.post(
        "/ai-act/qualify", json={"answers": {"ai_system": "oui", "chatbot": "oui"}}
    )
    assert response.status_code == 200, response.text
    outcome = response.json()
    assert outcome["complete"] is True
    assert outcome["ai_act_class"] == "transparence_art50"
    duties = {d["id"]: (d["provision"], d["applies_from"]) for d in outcome["obligations"]}
    assert duties["art50_1_chatbot"] == ("Art. 50(1)", "2026-08-02")
    assert [step["provision"] for step in outcome["trail"]] == ["Art. 3(1)", "Art. 50(1)"]


def test_the_first_answer_leads_to_the_next_question(catalogue: Catalogue) -> None:
    outcome = catalogue.client.post("/ai-act/qualify", json={"answers": {}}).json()
    assert outcome["complete"] is False
    assert outcome["ai_act_class"] is None
    assert outcome["next_question"] == "ai_system"


def test_an_answer_the_question_does_not_offer_is_named(catalogue: Catalogue) -> None:
    response = catalogue.client.post(
        "/ai-act/qualify", json={"answers": {"ai_system": "peut-être", "couleur": "bleu"}}
    )
    body = assert_problem(response, 422)
    assert [e["loc"][-1] for e in body["errors"]] == ["ai_system", "couleur"]  # type: ignore[index]
