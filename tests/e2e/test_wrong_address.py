"""A page opened with a wrong or incomplete address (issue 21, item 7): instead of a half-built
page around an error, one French message saying what is wrong and a link to the list where the
thing is chosen — on every page that takes a parameter, at phone width, axe-core clean."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from .support import Stack, describe_violations, run_axe

pytestmark = pytest.mark.browser

# Address, heading, words of the message, the link offered and where it goes.
WRONG = [
    # ?id= where ?campagne= was meant, then a campaign that does not exist.
    (
        "/observatoire-campagne.html?id=2",
        "Adresse incomplète",
        "?campagne=",
        "Choisir une campagne dans l'observatoire",
        "observatoire.html",
    ),
    (
        "/observatoire-campagne.html?campagne=999",
        "Campagne introuvable",
        "Aucune campagne publiée n° 999",
        "Choisir une campagne dans l'observatoire",
        "observatoire.html",
    ),
    (
        "/fiche.html",
        "Adresse incomplète",
        "?id=",
        "Chercher une fiche dans la bibliothèque",
        "catalogue.html",
    ),
    (
        "/fiche.html?id=999999",
        "Fiche introuvable",
        "Aucun cas d'usage publié",
        "Chercher une fiche dans la bibliothèque",
        "catalogue.html",
    ),
    (
        "/collectivite.html?siren=243500139",
        "Adresse incomplète",
        "?code=",
        "Chercher une collectivité dans la bibliothèque",
        "catalogue.html",
    ),
    (
        "/collectivite.html?code=999999999",
        "Collectivité introuvable",
        "Aucun territoire n'a le code",
        "Chercher une collectivité dans la bibliothèque",
        "catalogue.html",
    ),
    (
        "/disponibilites.html",
        "Lien incomplet",
        "reçue par courriel",
        "Écrire aux organisateurs des auditions (page Contact)",
        "contact.html",
    ),
    (
        "/disponibilites.html#lien-faux",
        "Lien non valable",
        "Ce lien personnel est inconnu",
        "Écrire aux organisateurs des auditions (page Contact)",
        "contact.html",
    ),
    (
        "/repondre.html",
        "Lien incomplet",
        "lien personnel reçu par courriel",
        "Écrire à l'équipe de l'observatoire (page Contact)",
        "contact.html",
    ),
    (
        "/repondre.html#lien-faux",
        "Lien non valable",
        "Ce lien de réponse est inconnu",
        "Écrire à l'équipe de l'observatoire (page Contact)",
        "contact.html",
    ),
    (
        "/fiche-modifier.html",
        "Lien incomplet",
        "lien de modification est incomplet",
        "Aller à la bibliothèque d'IA territorialisées",
        "catalogue.html",
    ),
    (
        "/fiche-modifier.html#lien-faux",
        "Lien non valable",
        "Ce lien de modification n'est pas valide",
        "Aller à la bibliothèque d'IA territorialisées",
        "catalogue.html",
    ),
]


@pytest.mark.parametrize(
    ("path", "heading", "words", "link", "target"), WRONG, ids=[row[0] for row in WRONG]
)
def test_a_wrong_address_says_so_and_links_to_the_list(
    browser: Browser, stack: Stack, path: str, heading: str, words: str, link: str, target: str
) -> None:
    context = browser.new_context(
        base_url=stack.front_url,
        viewport={"width": 390, "height": 844},
        locale="fr-FR",
        bypass_csp=True,
    )
    try:
        page = context.new_page()
        page.goto(path)
        main = page.get_by_role("main")

        expect(main.get_by_role("heading", level=1)).to_have_text(heading)
        expect(main.get_by_role("alert")).to_contain_text(words)
        expect(main.get_by_role("link", name=link, exact=True)).to_have_attribute("href", target)
        expect(page).to_have_title(re.compile(f"^{heading} — "))
        # Nothing of the half-built page around it: no section, form, table or "Chargement…".
        expect(main.locator("section, form, table, select")).to_have_count(0)
        expect(main).not_to_contain_text("Chargement")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        violations = run_axe(page)
        assert not violations, describe_violations(violations)
    finally:
        context.close()


def test_a_fiche_is_found_by_its_slug_too(page: Page) -> None:
    page.goto("/fiche.html?slug=tri-courriers-entrants-lyon")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Tri automatique des courriers entrants"
    )
    expect(page.locator("#historique li").first).to_be_visible()
