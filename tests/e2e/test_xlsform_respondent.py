"""An XLSForm written for KoboToolbox, answered in the browser as ODK Collect would show it: in
either of its languages, with cascading choices (choice_filter), an answer piped into a later
label, a default value and a guidance hint."""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]
from playwright.sync_api import Browser, Page, expect

from .support import Stack, describe_violations, run_axe
from .survey_links import published_xlsform, response_link

pytestmark = pytest.mark.browser

RENNES = "213502388"
FR, EN = "Français (fr)", "English (en)"


def form() -> bytes:
    sheets: dict[str, list[list[Any]]] = {
        "survey": [
            [
                "type",
                "name",
                f"label::{FR}",
                f"label::{EN}",
                f"guidance_hint::{FR}",
                "choice_filter",
                "default",
                "required",
            ],
            ["select_one regions", "region", "Votre région", "Your region", "", "", "", "yes"],
            [
                "select_one departements",
                "departement",
                "Département de la région ${region}",
                "Department in ${region}",
                "",
                "region = ${region}",
                "",
                "",
            ],
            [
                "integer",
                "agents",
                "Nombre d'agents",
                "Number of staff",
                "Comptez les équivalents temps plein.",
                "",
                "10",
                "",
            ],
        ],
        "choices": [
            ["list_name", "name", f"label::{FR}", f"label::{EN}", "region"],
            ["regions", "53", "Bretagne", "Brittany", ""],
            ["regions", "28", "Normandie", "Normandy", ""],
            ["departements", "35", "Ille-et-Vilaine", "Ille-et-Vilaine", "53"],
            ["departements", "29", "Finistère", "Finistère", "53"],
            ["departements", "14", "Calvados", "Calvados", "28"],
        ],
        "settings": [
            ["form_title", "form_id", "version", "default_language"],
            ["Enquête bilingue", "bilingue", "1", FR],
        ],
    }
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_bilingual_kobo_form_with_cascading_choices_is_answered(
    page: Page, browser: Browser, stack: Stack, api: httpx.Client
) -> None:
    questionnaire = published_xlsform(api, stack, "bilingue.xlsx", form())
    link = response_link(
        api,
        stack,
        questionnaire,
        title="Enquête bilingue de test",
        code=RENNES,
        email="bilingue@ville-rennes.test",
    )
    page.goto(link)

    region = page.get_by_role("group", name="Votre région (obligatoire)")
    expect(region).to_be_visible()
    expect(page.locator("#questions")).to_have_attribute("lang", "fr")
    # The default fills the question and is saved like an answer.
    expect(page.get_by_label("Nombre d'agents")).to_have_value("10")
    expect(page.locator("#sauvegarde")).to_contain_text("enregistrées")
    page.get_by_text("En savoir plus").click()
    expect(page.get_by_text("Comptez les équivalents temps plein.")).to_be_visible()

    # Cascading choices: only the départements of the chosen région are offered.
    region.get_by_label("Bretagne").check()
    departement = page.get_by_role("group", name="Département de la région Bretagne")
    expect(departement.get_by_label("Finistère")).to_be_visible()
    expect(departement.get_by_label("Calvados")).to_be_hidden()
    departement.get_by_label("Finistère").check()
    region.get_by_label("Normandie").check()
    normandie = page.get_by_role("group", name="Département de la région Normandie")
    expect(normandie.get_by_label("Calvados")).to_be_visible()
    expect(normandie.get_by_label("Finistère")).to_be_hidden()
    expect(normandie.get_by_label("Finistère")).not_to_be_checked()

    # Another language: the same answers, every text translated.
    page.get_by_label("Langue du questionnaire").select_option(EN)
    expect(
        page.get_by_role("group", name="Your region (obligatoire)").get_by_label("Normandy")
    ).to_be_checked()
    expect(page.get_by_role("group", name="Department in Normandy")).to_be_visible()
    expect(page.locator("#questions")).to_have_attribute("lang", "en")
    expect(page.locator("#sauvegarde")).to_contain_text("enregistrées")

    context = browser.new_context(base_url=stack.front_url, bypass_csp=True, locale="fr-FR")
    try:
        checked = context.new_page()
        checked.goto(link)
        expect(checked.locator("#questions .survey-question").first).to_be_visible()
        checked.get_by_label("Langue du questionnaire").select_option(EN)
        violations = run_axe(checked)
        assert not violations, describe_violations(violations)
    finally:
        context.close()
