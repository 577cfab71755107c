"""The respondent on a phone (390 px) and on a laptop (1,366 px): no question type makes the page
scroll sideways, every control is at least 24 × 24 px, progress and the saved state stay in
view, errors say what is expected, and a questionnaire with a matrix can be completed with the
keyboard alone."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]
from playwright.sync_api import Browser, Page, ViewportSize, expect

from .support import Stack, describe_violations, run_axe
from .survey_links import published_xlsform, response_link

pytestmark = pytest.mark.browser

RENNES_METROPOLE = "243500139"
PHONE: ViewportSize = {"width": 390, "height": 844}
LAPTOP: ViewportSize = {"width": 1366, "height": 768}
ARTEFACTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

# Controls smaller than this fail WCAG 2.2's target size (2.5.8), links inside a sentence aside.
CONTROLS = ", ".join(
    f"#questionnaire {tag}" for tag in ("input", "select", "textarea", "button", "summary")
)
TOO_SMALL = """(selector) => [...document.querySelectorAll(selector)]
  .filter((node) => node.offsetParent !== null && node.type !== 'hidden')
  .map((node) => [node, node.getBoundingClientRect()])
  .filter(([, box]) => box.width < 24 || box.height < 24)
  .map(([node, box]) => `${node.tagName} ${node.id || node.name || node.textContent} ${box.width}x${box.height}`)"""


def link_for(api: httpx.Client, stack: Stack, questionnaire: int, email: str) -> str:
    return response_link(
        api,
        stack,
        questionnaire,
        title=f"Campagne sur téléphone {email}",
        code=RENNES_METROPOLE,
        email=email,
    )


def default_questionnaire(api: httpx.Client, stack: Stack) -> int:
    listed = api.get(f"{stack.survey_url}/questionnaires").json()["items"]
    return int(next(item["id"] for item in listed if item["key"] == "observatoire_ia"))


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390px", "1366px"])
def test_the_default_questionnaire_fits_the_screen_and_keeps_progress_in_view(
    browser: Browser, stack: Stack, api: httpx.Client, viewport: ViewportSize
) -> None:
    link = link_for(
        api,
        stack,
        default_questionnaire(api, stack),
        f"agent-{viewport['width']}@rennes-metropole.test",
    )
    context = browser.new_context(
        base_url=stack.front_url, viewport=viewport, locale="fr-FR", bypass_csp=True
    )
    try:
        page = context.new_page()
        page.goto(link)
        expect(page.locator("#questions .survey-question").first).to_be_visible()
        usage = page.get_by_role(
            "group", name=re.compile("^Votre collectivité utilise-t-elle aujourd'hui")
        )
        usage.get_by_label("Oui").check()
        expect(page.locator("#sauvegarde")).to_contain_text("enregistrées")

        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        assert page.evaluate(TOO_SMALL, f"{CONTROLS}, .site-header summary") == []
        # On a phone the header leaves the screen to the questionnaire.
        header = page.locator(".site-header").bounding_box()
        assert header is not None
        assert header["height"] < 120
        # Every choice of a matrix row is on screen, its label beside it.
        agree = page.locator("#question-principes tbody tr").first.get_by_text(
            "Tout à fait d'accord"
        )
        agree.scroll_into_view_if_needed()
        box = agree.bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= viewport["width"]

        # Far down the page, progress, the saved state and the next required question are in view.
        page.locator("#envoi-titre").scroll_into_view_if_needed()
        expect(page.locator("#progression")).to_be_in_viewport()
        expect(page.locator("#sauvegarde")).to_be_in_viewport()
        page.locator("#suivante").click()
        focused = page.evaluate("document.activeElement.closest('.survey-question')?.id")
        assert focused is not None
        assert focused.startswith("question-")
        page.get_by_text("Aller à une section").click()
        expect(page.locator("#sections a").first).to_be_visible()

        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTEFACTS / f"repondre-{viewport['width']}.png"), full_page=False)
        violations = run_axe(page)
        assert not violations, describe_violations(violations)
    finally:
        context.close()


def test_a_number_typed_as_a_word_says_what_is_expected(
    page: Page, stack: Stack, api: httpx.Client
) -> None:
    page.set_viewport_size(PHONE)
    page.goto(
        link_for(api, stack, default_questionnaire(api, stack), "nombre@rennes-metropole.test")
    )
    field = page.get_by_label(
        "Combien d'agents votre collectivité emploie-t-elle (équivalents temps plein) ?"
    )
    field.fill("beaucoup")

    expect(page.locator("#question-agents_total")).to_contain_text(
        "Indiquez un nombre entier, par exemple 12."
    )


def matrix_form() -> bytes:
    sheets: dict[str, list[list[Any]]] = {
        "survey": [
            ["type", "name", "label", "required", "appearance", "parameters"],
            ["begin group", "avis", "Votre avis sur", "", "table-list", ""],
            ["select_one accord", "avis__outils", "Les outils", "yes", "", ""],
            ["select_one accord", "avis__formation", "La formation", "yes", "", ""],
            ["end group", "avis", "", "", "", ""],
            ["range", "note", "Votre note", "yes", "", "start=1 end=5"],
            ["integer", "agents", "Nombre d'agents", "yes", "", ""],
        ],
        "choices": [
            ["list_name", "name", "label"],
            ["accord", "non", "Pas d'accord"],
            ["accord", "plutot", "Plutôt d'accord"],
            ["accord", "oui", "Tout à fait d'accord"],
        ],
        "settings": [
            ["form_title", "form_id", "version"],
            ["Matrice au clavier", "matrice_clavier", "1"],
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


def test_a_questionnaire_with_a_matrix_is_completed_with_the_keyboard_alone(
    page: Page, stack: Stack, api: httpx.Client
) -> None:
    questionnaire = published_xlsform(api, stack, "matrice.xlsx", matrix_form())
    page.set_viewport_size(PHONE)
    page.goto(link_for(api, stack, questionnaire, "clavier@rennes-metropole.test"))
    expect(page.locator("#questions .survey-question").first).to_be_visible()

    # From the first choice of the matrix, Tab and the arrow keys answer everything.
    page.get_by_role("radiogroup", name="Les outils").get_by_label(
        "Les outils : Pas d'accord"
    ).focus()
    page.keyboard.press("ArrowDown")  # the next choice of the same row: "Plutôt d'accord"
    page.keyboard.press("Tab")  # to the next row
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")  # to the scale
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Tab")  # to the number
    page.keyboard.type("40")
    page.keyboard.press("Tab")
    expect(page.locator("#sauvegarde")).to_contain_text("enregistrées")
    page.get_by_role("button", name="Envoyer mes réponses").focus()
    page.keyboard.press("Enter")

    expect(page.locator("#envoi-etat")).to_contain_text("Réponses envoyées")
    expect(page.get_by_label("Les outils : Plutôt d'accord")).to_be_checked()
    expect(page.get_by_label("La formation : Tout à fait d'accord")).to_be_checked()
    expect(
        page.get_by_role("group", name="Votre note (obligatoire)").get_by_label("3")
    ).to_be_checked()
