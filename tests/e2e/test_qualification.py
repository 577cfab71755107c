"""The AI Act qualification in a real browser, on a phone (390 px): from the e-mailed private
link to the edit form, then to the questionnaire, answered one question at a time (once with the
keyboard alone, once going back), resumed after a reload, up to the outcome; the fiche's draft
then carries the class. And the public page that lists the rule set with its version.

The path through the questions is planned from the rule set served by the stack (the first
answer one that leads further, then the first option of each question), so the test holds for
any rule set of this shape.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.mailbox import text_of

from .support import Stack, describe_violations, run_axe

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}
# Screenshots of the phone screens, kept for a look (var/ is not committed).
ARTEFACTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
FICHE = {
    "title": "Agent conversationnel des démarches de l'état civil",
    "summary": "Un agent conversationnel répond aux questions des usagers sur les démarches d'état civil.",
    "project_status": "en_production",
    "local_authority_code": "200046977",
    "domain": "relation_usager",
    "application_type": "reconnaissance",
    "individual_decisions": False,
    "ai_act_class": "risque_minimal",
    "ai_technology": "ia_generative",
    "reusability": "oui_avec_adaptation",
}


def plan(
    api: httpx.Client, stack: Stack, rules: dict[str, Any]
) -> list[tuple[dict[str, Any], str]]:
    """The questions in the order asked, each with the label of the option to choose."""
    by_id = {q["id"]: q for q in rules["questions"]}
    qualify = f"{stack.catalogue_url}/ai-act/qualify"
    leads_further = next(
        option
        for option in by_id["ai_system"]["options"]
        if not api.post(qualify, json={"answers": {"ai_system": option["code"]}}).json()["complete"]
    )
    answers: dict[str, Any] = {"ai_system": leads_further["code"]}
    path = [(by_id["ai_system"], leads_further["label"])]
    for _ in rules["questions"]:
        outcome = api.post(qualify, json={"answers": answers}).json()
        if outcome["complete"]:
            return path
        question = by_id[outcome["next_question"]]
        option = question["options"][0]
        answers[question["id"]] = option["code"] if question["kind"] == "one" else [option["code"]]
        path.append((question, option["label"]))
    raise AssertionError("le questionnaire ne s'achève pas")


def propose(api: httpx.Client, stack: Stack, email: str) -> str:
    """A fiche proposed by the demo admin for `email`; the token of the link e-mailed there."""
    signed = api.post(
        f"{stack.catalogue_url}/auth/token",
        data={"username": stack.admin_email, "password": stack.admin_password},
    )
    headers = {"Authorization": f"Bearer {signed.json()['access_token']}"}
    created = api.post(
        f"{stack.catalogue_url}/use-cases",
        json={**FICHE, "submitter_email": email},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    link = re.search(r"/fiche-modifier\.html#([A-Za-z0-9_-]+)", text_of(stack.wait_for_mail(email)))
    assert link is not None
    return link.group(1)


def assert_accessible(page: Page) -> None:
    violations = run_axe(page)
    assert not violations, describe_violations(violations)


def assert_fits(page: Page, name: str) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"qualification-{name}-390.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{width} px de contenu pour {PHONE['width']} px"


def test_a_contributor_qualifies_a_fiche_step_by_step_on_a_phone(
    browser: Browser, stack: Stack, api: httpx.Client
) -> None:
    rules = api.get(f"{stack.catalogue_url}/ai-act/rules").json()
    path = plan(api, stack, rules)
    assert len(path) >= 2
    token = propose(api, stack, f"etat-civil.{secrets.token_hex(4)}@ville.example.fr")
    # axe is injected through the DevTools protocol: this context bypasses the CSP for it.
    context = browser.new_context(
        base_url=stack.front_url, viewport=PHONE, locale="fr-FR", bypass_csp=True
    )
    try:
        page = context.new_page()
        page.goto(f"/fiche-modifier.html#{token}")
        expect(page.locator("#modifier-ia-etat")).to_contain_text("déclarée par le contributeur")
        page.get_by_role("link", name="Qualifier au regard du règlement IA").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Qualifier au regard du règlement IA"
        )
        legend = page.locator("#qualif-question-texte")
        progress = page.locator("#qualif-progression-texte")
        expect(legend).to_have_text(path[0][0]["text"])
        expect(page.locator("#qualif-article")).to_contain_text(path[0][0]["provision"]["ref"])
        expect(progress).to_contain_text("Question 1")
        assert_accessible(page)
        assert_fits(page, "question")

        # The first answer with the keyboard alone: the option, then on to "Suivant".
        page.locator("#qualif-options").get_by_label(path[0][1], exact=True).focus()
        page.keyboard.press("Space")
        page.keyboard.press("Tab")
        expect(page.get_by_role("button", name="Suivant")).to_be_focused()
        page.keyboard.press("Enter")
        expect(legend).to_have_text(path[1][0]["text"])
        expect(page.locator("#qualif-sauvegarde")).to_contain_text("Réponse enregistrée")
        expect(progress).to_contain_text("Question 2")

        # Back: the first answer is still chosen; forward again.
        page.get_by_role("button", name="Précédent").click()
        expect(legend).to_have_text(path[0][0]["text"])
        expect(page.locator("#qualif-options").get_by_label(path[0][1], exact=True)).to_be_checked()
        page.get_by_role("button", name="Suivant").click()
        expect(legend).to_have_text(path[1][0]["text"])

        # Saved: after a reload the questionnaire resumes at the question left.
        page.reload()
        expect(legend).to_have_text(path[1][0]["text"])

        for question, label in path[1:]:
            expect(legend).to_have_text(question["text"])
            expect(page.locator("#qualif-aide")).to_have_text(question.get("help", ""))
            page.locator("#qualif-options").get_by_label(label, exact=True).check()
            page.get_by_role("button", name="Suivant").click()

        result = page.locator("#qualif-resultat")
        expect(result).to_be_visible()
        expect(result).to_be_focused()
        answers = api.get(
            f"{stack.catalogue_url}/edit-link", headers={"Authorization": f"PrivateLink {token}"}
        ).json()
        vocabularies = api.get(f"{stack.catalogue_url}/vocabularies").json()["vocabularies"]
        labels = {entry["code"]: entry["label"] for entry in vocabularies["ai_act_class"]}
        qualified = answers["draft"]["ai_act_class"]
        assert answers["draft_ai_act"]["source"] == "qualification"
        expect(page.locator("#qualif-resultat-classe")).to_contain_text(labels[qualified])
        expect(page.locator("#qualif-resultat-classe")).to_contain_text(rules["version"])
        expect(page.locator("#qualif-fil > li")).to_have_count(len(path))
        expect(page.locator("#qualif-obligations > li").first).to_be_visible()
        duty = page.locator("#qualif-obligations > li").filter(has_text="À partir du").first
        expect(duty).to_contain_text(re.compile(r"Art\. \d+"))
        assert_accessible(page)
        assert_fits(page, "resultat")

        # Back to the fiche: its class now comes from the qualification.
        page.get_by_role("link", name="Retour à la fiche").click()
        expect(page.locator("#modifier-ia-etat")).to_contain_text(
            f"qualifiée (règles v{rules['version']})"
        )
    finally:
        context.close()


def test_the_rule_set_is_public_with_its_version(
    browser: Browser, stack: Stack, api: httpx.Client
) -> None:
    rules = api.get(f"{stack.catalogue_url}/ai-act/rules").json()
    context = browser.new_context(base_url=stack.front_url, bypass_csp=True, locale="fr-FR")
    try:
        page = context.new_page()
        page.goto("/qualification.html")
        expect(page.locator("#regles-version")).to_have_text(
            f"Version {rules['version']} des règles."
        )
        expect(page.locator("#regles-questions > li")).to_have_count(len(rules["questions"]))
        expect(page.locator("#regles-questions")).to_contain_text(rules["questions"][0]["text"])
        expect(page.locator("#qualif-questionnaire")).to_be_hidden()
        assert_accessible(page)
    finally:
        context.close()
