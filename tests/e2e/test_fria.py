"""The FRIA page in a real browser, on the demo catalogue: a moderator opens a demo fiche's
complete FRIA and its registration pack, then completes a draft one (a completion too early is
refused and named, the draft saved and found again), prints it; axe-core finds nothing serious,
and the page holds at 390 px."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect

from .support import Stack, describe_violations, run_axe

pytestmark = pytest.mark.browser


def demo_id(api: httpx.Client, stack: Stack, slug: str) -> int:
    response = api.get(f"{stack.catalogue_url}/use-cases/{slug}")
    response.raise_for_status()
    return int(response.json()["id"])


def sign_in(page: Page, stack: Stack) -> None:
    page.goto("/connexion.html")
    page.get_by_label("Adresse électronique").fill(stack.admin_email)
    page.get_by_label("Mot de passe").fill(stack.admin_password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator("#session-identite")).to_contain_text(stack.admin_email)


def test_a_moderator_reads_prints_and_completes_the_demos_frias(
    page: Page, stack: Stack, api: httpx.Client
) -> None:
    sign_in(page, stack)

    # A complete FRIA, and its registration pack with the one field a demo cannot know.
    page.goto(f"/fria.html?id={demo_id(api, stack, 'instruction-rsa-nord')}")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Analyse d'impact sur les droits fondamentaux"
    )
    expect(page.locator("#fria-etat")).to_contain_text("terminée")
    # Due by the demo fiche's qualification (Annex III, 5(a)), from the date the rules give.
    due = page.locator("#fria-requise")
    expect(due).to_contain_text("Requis d'après la qualification")
    expect(due).to_contain_text("À partir du 02/12/2027")
    pack = page.locator("#fria-enregistrement")
    expect(pack).to_contain_text("3. URL de l'entrée du système d'IA dans la base de l'UE")
    expect(pack).to_contain_text("Manquant")
    expect(page.get_by_role("group", name="Dignité humaine (Charte, art. 1)")).to_be_visible()
    violations = run_axe(page)
    assert not violations, describe_violations(violations)

    # At 390 px, nothing spills sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # Printed: the document, not the form.
    page.emulate_media(media="print")
    expect(page.locator("#fria-document")).to_be_visible()
    expect(page.locator("#fria-document")).to_contain_text("Une AIPD est requise")
    expect(page.locator("#fria")).to_be_hidden()
    page.emulate_media(media="screen")

    # A draft: declared complete too early, refused with what is missing; saved as a draft.
    page.goto(f"/fria.html?id={demo_id(api, stack, 'orientation-formation-pays-de-la-loire')}")
    expect(page.locator("#fria-etat")).to_contain_text("brouillon")
    period = page.get_by_label("b) Période et fréquence d'utilisation (Art. 27(1)(b))")
    period.fill("Chaque semaine, depuis la rentrée 2026.")
    page.get_by_role("button", name="Déclarer l'analyse terminée").click()
    expect(page.locator("#fria-erreur")).to_contain_text("ne peut pas être déclarée terminée")
    expect(page.locator("#fria-erreur")).to_contain_text("Synthèse des conclusions")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.locator("#fria-etat")).to_contain_text("Analyse enregistrée")
    page.reload()
    expect(period).to_have_value("Chaque semaine, depuis la rentrée 2026.")
    expect(page.locator("#fria-manques")).to_contain_text("Synthèse des conclusions")
    violations = run_axe(page)
    assert not violations, describe_violations(violations)


def test_the_inventory_leads_to_the_explicit_mention_on_the_public_fiche(page: Page) -> None:
    page.goto("/collectivite.html?code=210600045")
    row = page.get_by_role("row").filter(has_text="Calcul du tarif de la restauration scolaire")
    row.get_by_role("link", name="Mention explicite et règles").click()
    section = page.locator("#mention")
    expect(section).to_be_visible()
    expect(section).to_contain_text("traitement algorithmique")
    expect(section).to_contain_text("L. 311-3-1")
    expect(section.locator("ol > li")).to_have_count(4)
    violations = run_axe(page)
    assert not violations, describe_violations(violations)
