"""The pages a French public service must show, linked from the footer of every page: the
accessibility statement (built from the browser tests' axe records and the manual checks), the
legal notice, personal data, contact and the site map; at phone and laptop widths."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from .support import Stack, describe_violations, run_axe

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
FOOTER = {
    "accessibilite.html": "Déclaration d'accessibilité",
    "mentions-legales.html": "Mentions légales",
    "donnees-personnelles.html": "Données personnelles",
    "contact.html": "Contact",
    "plan-du-site.html": "Plan du site",
}
WIDTHS: list[ViewportSize] = [{"width": 390, "height": 844}, {"width": 1366, "height": 768}]


@pytest.mark.parametrize("file", ["index.html", "catalogue.html", "repondre.html", *FOOTER])
def test_every_page_links_the_pages_a_public_service_owes(page: Page, file: str) -> None:
    page.goto(f"/{file}")
    footer = page.get_by_role("contentinfo")

    expect(
        footer.get_by_role("link", name="Accessibilité : partiellement conforme")
    ).to_have_attribute("href", "accessibilite.html")
    for target, name in (
        ("mentions-legales.html", "Mentions légales"),
        ("donnees-personnelles.html", "Données personnelles"),
        ("contact.html", "Contact"),
        ("plan-du-site.html", "Plan du site"),
    ):
        expect(footer.get_by_role("link", name=name, exact=True)).to_have_attribute("href", target)


@pytest.mark.parametrize("viewport", WIDTHS, ids=["390px", "1366px"])
def test_the_footer_pages_read_well_at_both_widths(
    browser: Browser, stack: Stack, viewport: ViewportSize
) -> None:
    context = browser.new_context(
        base_url=stack.front_url, viewport=viewport, locale="fr-FR", bypass_csp=True
    )
    try:
        page = context.new_page()
        for file, title in FOOTER.items():
            page.goto(f"/{file}")
            expect(page.get_by_role("heading", level=1)).to_have_text(title)
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], file
            violations = run_axe(page)
            assert not violations, f"{file} : {describe_violations(violations)}"
    finally:
        context.close()


def test_the_statement_says_its_level_its_audit_and_how_to_complain(page: Page) -> None:
    audit = json.loads((ROOT / "frontend/src/accessibility/audit.json").read_text("utf-8"))
    page.goto("/accessibilite.html")
    main = page.get_by_role("main")

    expect(main).to_contain_text("partiellement conforme avec le RGAA 4.1.2")
    expect(main.get_by_role("table", name="Vérifications manuelles")).to_contain_text("RGAA 12.7")
    expect(
        main.get_by_role("table", name="Contrôles automatiques, page par page").locator("tbody tr")
    ).to_have_count(len(audit["pages"]))
    expect(main).to_contain_text("Défenseur des droits")
    expect(
        main.get_by_role("link", name="accessibilite@intelligences-territoires.fr")
    ).to_be_visible()


def test_the_site_map_lists_every_page_of_the_menu_and_the_footer(page: Page) -> None:
    page.goto("/plan-du-site.html")
    main = page.get_by_role("main")

    for name in (
        "Accueil",
        "Bibliothèque d'IA territorialisées",
        "Observatoire des usages",
        "Auditions nationales",
        "Connexion",
        *FOOTER.values(),
    ):
        label = "Accessibilité" if name == "Déclaration d'accessibilité" else name
        expect(main.get_by_role("link", name=label, exact=True).first).to_be_visible()
