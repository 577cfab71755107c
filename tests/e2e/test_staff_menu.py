"""Signing in leads somewhere: back to the page that asked for it, or to the person's console;
the menu of every page then shows the consoles the person's roles open and "Se déconnecter"."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .support import Stack

pytestmark = pytest.mark.browser


def sign_in(page: Page, stack: Stack, path: str = "/connexion.html") -> None:
    page.goto(path)
    page.get_by_label("Adresse électronique").fill(stack.admin_email)
    page.get_by_label("Mot de passe").fill(stack.admin_password)
    page.get_by_role("button", name="Se connecter").click()


def test_the_menu_shows_the_consoles_of_the_signed_in_person_and_signs_out(
    page: Page, stack: Stack
) -> None:
    sign_in(page, stack)
    expect(page.get_by_role("heading", name="Vous êtes connecté")).to_be_visible()
    # An administrator opens the three consoles: the page lists them, and so does every menu.
    main = page.get_by_role("main")
    for name in ("Modération de la bibliothèque", "Console des enquêtes", "Console des auditions"):
        expect(main.get_by_role("link", name=name)).to_be_visible()
    page.goto("/catalogue.html")
    menu = page.get_by_role("navigation", name="Navigation principale")
    expect(menu.get_by_role("link", name="Console des enquêtes")).to_have_attribute(
        "href", "enquetes-console.html"
    )
    expect(menu.get_by_role("link", name="Connexion")).to_have_count(0)

    menu.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(f"{stack.front_url}/connexion.html")
    menu = page.get_by_role("navigation", name="Navigation principale")
    expect(menu.get_by_role("link", name="Connexion")).to_be_visible()
    expect(menu.get_by_role("link", name="Console des enquêtes")).to_have_count(0)


def test_signing_in_goes_back_to_the_page_that_asked_for_it(page: Page, stack: Stack) -> None:
    sign_in(page, stack, "/connexion.html?retour=enquetes-console.html")

    expect(page).to_have_url(f"{stack.front_url}/enquetes-console.html")
    expect(page.locator("#console")).to_be_visible()


def test_a_return_address_to_another_site_is_ignored(page: Page, stack: Stack) -> None:
    sign_in(page, stack, "/connexion.html?retour=https://exemple.invalid/piege.html")

    expect(page.get_by_role("heading", name="Vous êtes connecté")).to_be_visible()
    expect(page).to_have_url(
        f"{stack.front_url}/connexion.html?retour=https://exemple.invalid/piege.html"
    )
