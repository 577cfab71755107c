"""An imported XLSForm on the respondent page: the numeric codes 1–5 drive `${satisf} <= 2`
live, and a `calculate` row is computed as the agent types, never shown as a question."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.survey.test_xlsform_semantics import workbook_bytes

from .support import Stack, describe_violations, run_axe
from .survey_links import published_xlsform, response_link

pytestmark = pytest.mark.browser

PLELAN = "213502230"
EMAIL = "mairie@plelan-calcul.test"


def test_numeric_codes_and_a_calculation_drive_the_page(
    page: Page, api: httpx.Client, stack: Stack
) -> None:
    questionnaire = published_xlsform(api, stack, "satisfaction.xlsx", workbook_bytes())
    page.goto(
        response_link(
            api,
            stack,
            questionnaire,
            title="Satisfaction (XLSForm importé)",
            code=PLELAN,
            email=EMAIL,
        )
    )
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
