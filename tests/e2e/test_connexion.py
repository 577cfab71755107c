"""Staff sign-in on connexion.html, against the real accounts of the seeded stack."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from playwright.sync_api import Page, Route, expect

from .support import Stack, describe_violations, run_axe

pytestmark = pytest.mark.browser

TOKEN_KEY = "iat.session"


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/connexion.html")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def test_demo_admin_signs_in_and_out(page: Page, stack: Stack) -> None:
    sign_in(page, stack.admin_email, stack.admin_password)

    identity = page.locator("#session-identite")
    expect(identity).to_have_text(
        re.compile(rf"^Connecté en tant que {re.escape(stack.admin_email)}")
    )
    expect(identity).to_contain_text(re.compile(r"\(rôles : [^)]*\badmin\b"))
    expect(page.get_by_role("heading", name="Vous êtes connecté")).to_be_focused()
    expect(page.locator("#connexion-erreur")).to_be_empty()
    stored = page.evaluate(f"() => sessionStorage.getItem({json.dumps(TOKEN_KEY)})")
    assert isinstance(stored, str)
    assert json.loads(stored)["accessToken"]

    violations = run_axe(page)
    assert not violations, describe_violations(violations)

    # The token survives a reload of the tab.
    page.reload()
    expect(identity).to_contain_text(stack.admin_email)

    page.get_by_role("main").get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("button", name="Se connecter")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("Vous êtes déconnecté.")
    assert page.evaluate(f"() => sessionStorage.getItem({json.dumps(TOKEN_KEY)})") is None


def test_wrong_password_shows_the_api_message(page: Page, stack: Stack, api: httpx.Client) -> None:
    # What the API answers to bad credentials, asked for an account nobody uses.
    refused = api.post(
        f"{stack.catalogue_url}/auth/token",
        data={"username": "personne@intelligences-territoires.test", "password": "non"},
    )
    assert refused.status_code == 401
    detail = refused.json()["detail"]

    sign_in(page, stack.admin_email, "pas-le-bon-mot-de-passe")

    expect(page.get_by_role("alert")).to_have_text(detail)
    expect(page.locator("#session")).to_be_hidden()
    expect(page.get_by_label("Mot de passe")).to_be_focused()
    assert page.evaluate(f"() => sessionStorage.getItem({json.dumps(TOKEN_KEY)})") is None

    violations = run_axe(page)
    assert not violations, describe_violations(violations)


def test_too_many_attempts_shows_the_api_message(page: Page, stack: Stack) -> None:
    # Throttling for real would lock the tests' address out of sign-in for the whole window.
    detail = "Trop de tentatives de connexion échouées. Réessayez plus tard."

    def throttled(route: Route) -> None:
        route.fulfill(
            status=429,
            content_type="application/problem+json",
            headers={"Access-Control-Allow-Origin": "*", "Retry-After": "900"},
            body=json.dumps(
                {
                    "type": "about:blank",
                    "title": "Too Many Requests",
                    "status": 429,
                    "detail": detail,
                }
            ),
        )

    page.route(re.compile(r"/auth/token$"), throttled)
    sign_in(page, stack.admin_email, "peu-importe")

    expect(page.get_by_role("alert")).to_have_text(detail)
