"""The AI Act qualification through the API: the rule set as published, a qualification, and
answers the questions do not offer (a 422 naming them)."""

from __future__ import annotations

import json
from typing import cast

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


CHATBOT = {
    "ai_system": "apprentissage",
    "scope_exclusion": "aucune",
    "role_origin": "achete",
    "prohibited_practices": ["aucune"],
    "annex_i_product": "non",
    "annex_iii_area": ["aucun"],
    "interaction": "oui",
    "synthetic_content": "non",
}


def test_a_chatbot_has_a_transparency_duty_from_its_date(catalogue: Catalogue) -> None:
    response = catalogue.client.post("/ai-act/qualify", json={"answers": CHATBOT})
    assert response.status_code == 200, response.text
    outcome = response.json()
    assert outcome["complete"] is True
    assert outcome["ai_act_class"] == "transparence_art50"
    assert outcome["role"] == "deployeur"
    assert outcome["tags"] == ["art50:information_agent_conversationnel"]
    duties = {d["id"]: (d["provision"], d["applies_from"]) for d in outcome["obligations"]}
    assert duties == {
        "art4_literacy": ("Art. 4", "2025-02-02"),
        "art50_1_interaction": ("Art. 50(1)", "2026-08-02"),
    }
    assert [step["provision"] for step in outcome["trail"]][:3] == [
        "Art. 3(1) ; lignes directrices sur la définition, section 5.1",
        "Art. 2(1)",
        "Art. 3(4)",
    ]


def test_a_social_housing_score_is_high_risk_with_its_impact_assessment(
    catalogue: Catalogue,
) -> None:
    answers = {
        **CHATBOT,
        "interaction": "non",
        "annex_iii_area": ["services_essentiels"],
        "annex_iii_services": ["5_a"],
        "profiling": "oui",
        "public_body": "autorite_publique",
        "workplace": "non",
        "decisions_on_persons": "oui",
    }
    outcome = catalogue.client.post("/ai-act/qualify", json={"answers": answers}).json()
    assert outcome["complete"] is True
    assert (outcome["ai_act_class"], outcome["class_provision"]) == (
        "haut_risque",
        "Art. 6(2) et annexe III",
    )
    assert {"annex_iii_area:services_essentiels", "annex_iii:5_a"} <= set(outcome["tags"])
    duties = {d["id"]: d for d in outcome["obligations"]}
    assert duties["art27_fria"]["applies_from"] == "2027-12-02"
    assert "2026/1744" in duties["art27_fria"]["date_source"]
    assert "49(3)" in duties["art49_registration"]["provision"]
    assert "art86_explanation" in duties
    profiling = next(s for s in outcome["trail"] if s["question"] == "profiling")
    assert profiling["provision"] == "Art. 6(3), troisième alinéa"


def test_the_first_answer_leads_to_the_next_question(catalogue: Catalogue) -> None:
    outcome = catalogue.client.post("/ai-act/qualify", json={"answers": {}}).json()
    assert outcome["complete"] is False
    assert outcome["ai_act_class"] is None
    assert outcome["next_question"] == "ai_system"
    outcome = catalogue.client.post(
        "/ai-act/qualify", json={"answers": {"ai_system": "apprentissage"}}
    ).json()
    assert (outcome["complete"], outcome["next_question"]) == (False, "scope_exclusion")
    assert outcome["ai_act_class"] is None


def test_a_rules_only_program_is_out_of_scope_at_once(catalogue: Catalogue) -> None:
    outcome = catalogue.client.post(
        "/ai-act/qualify", json={"answers": {"ai_system": "regles_humaines"}}
    ).json()
    assert outcome["complete"] is True
    assert (outcome["ai_act_class"], outcome["role"], outcome["obligations"]) == (
        "hors_champ",
        None,
        [],
    )


def test_an_answer_the_question_does_not_offer_is_named(catalogue: Catalogue) -> None:
    response = catalogue.client.post(
        "/ai-act/qualify",
        json={
            "answers": {
                "ai_system": "peut-être",
                "couleur": "bleu",
                "prohibited_practices": "aucune",  # a list is expected
            }
        },
    )
    body = assert_problem(response, 422)
    errors = cast(list[dict[str, list[str]]], body["errors"])
    assert [e["loc"][-1] for e in errors] == [
        "ai_system",
        "couleur",
        "prohibited_practices",
    ]
