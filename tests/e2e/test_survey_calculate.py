"""An imported XLSForm on the respondent page: the numeric codes 1–5 drive `${satisf} <= 2`
live, and a `calculate` row is computed as the agent types, never shown as a question."""

from __future__ import annotations

import re
from datetime import date, timedelta

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.mailbox import text_of
from tests.survey.test_xlsform_semantics import workbook_bytes

from .support import Stack, describe_violations, run_axe

pytestmark = pytest.mark.browser

LINK = re.compile(r"https?://\S+/repondre\.html#[A-Za-z0-9_-]+")
PLELAN = "213502230"
EMAIL = "mairie@plelan-calcul.test"


def analyst_headers(api: httpx.Client, stack: Stack) -> dict[str, str]:
    response = api.post(
        f"{stack.survey_url}/auth/token",
        data={"username": stack.admin_email, "password": stack.admin_password},
    )
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def link_to_the_imported_form(api: httpx.Client, stack: Stack) -> str:
    headers = analyst_headers(api, stack)
    imported = api.post(
        f"{stack.survey_url}/questionnaires/xlsform",
        headers=headers,
        files={"file": ("satisfaction.xlsx", workbook_bytes())},
    )
    assert imported.status_code == 201, imported.text
    questionnaire = imported.json()["id"]
    api.post(
        f"{stack.survey_url}/questionnaires/{questionnaire}/publish", headers=headers
    ).raise_for_status()
    campaign = api.post(
        f"{stack.survey_url}/campaigns",
        headers=headers,
        json={
            "title": "Satisfaction (XLSForm importé)",
            "description": "Campagne de test",
            "opens_on": (date.today() - timedelta(days=1)).isoformat(),
            "closes_on": (date.today() + timedelta(days=30)).isoformat(),
            "questionnaire_id": questionnaire,
        },
    )
    assert campaign.status_code == 201, campaign.text
    api.post(
        f"{stack.survey_url}/campaigns/{campaign.json()['id']}/invitations",
        headers=headers,
        json={"csv": f"code;courriel\n{PLELAN};{EMAIL}\n"},
    ).raise_for_status()
    match = LINK.search(text_of(stack.wait_for_mail(EMAIL)))
    assert match is not None
    return match.group(0)


def test_numeric_codes_and_a_calculation_drive_the_page(
    page: Page, api: httpx.Client, stack: Stack
) -> None:
    page.goto(link_to_the_imported_form(api, stack))
    satisfaction = page.get_by_role("group", name="Êtes-vous satisfait de l'outil ?")
    expect(satisfaction).to_be_visible()
    why = page.get_by_label("Qu'est-ce qui ne va pas ?")
    describe = page.get_by_label("Décrivez ces projets")

    # The calculation is no question: neither shown nor counted.
    expect(page.get_by_text("Projets par agent")).to_have_count(0)
    expect(page.locator("#progression-texte")).to_have_text("0 question répondue sur 3")
    expect(why).to_be_hidden()
    expect(describe).to_be_hidden()

    # Code "2" <= 2: the follow-up appears; code "4": it goes.
    satisfaction.get_by_label("Plutôt pas").check()
    expect(why).to_be_visible()
    satisfaction.get_by_label("Plutôt", exact=True).check()
    expect(why).to_be_hidden()

    # 3 projects for 4 agents: 0.75 > 0.5, computed as the agent types.
    page.get_by_label("Combien d'agents l'utilisent ?").fill("4")
    page.get_by_label("Combien de projets ?").fill("3")
    expect(describe).to_be_visible()
    page.get_by_label("Combien de projets ?").fill("1")
    expect(describe).to_be_hidden()

    violations = run_axe(page)
    assert not violations, describe_violations(violations)
