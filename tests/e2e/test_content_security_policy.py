"""No page of the site, and no API's /docs, breaks its Content-Security-Policy.

The site is served by static_server.py with the headers nginx sends in production
(frontend/security-headers.json, the one source of both); the APIs set their own. Each page is
opened under that policy, left to load its data (and, on the proposal form, to solve its
proof of work in a worker), and any violation it reports fails the test.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from .support import FRONTEND, Stack

pytestmark = pytest.mark.browser

HTML_PAGES = sorted(path.name for path in FRONTEND.glob("*.html"))
HEADERS = json.loads((FRONTEND / "security-headers.json").read_text(encoding="utf-8"))


def test_every_page_of_the_site_is_tested() -> None:
    listed = re.findall(r'file: "([a-z-]+\.html)"', (FRONTEND / "src" / "site.ts").read_text())
    assert sorted(listed) == HTML_PAGES


@pytest.mark.parametrize("file", HTML_PAGES)
def test_a_page_loads_under_the_production_policy_without_a_violation(
    page: Page, stack: Stack, file: str
) -> None:
    response = page.goto(f"/{file}")
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert policy == HEADERS["Content-Security-Policy"].replace(
        "{api_origins}", " ".join((stack.catalogue_url, stack.survey_url, stack.auditions_url))
    )
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.wait_for_load_state("networkidle")
    # The `page` fixture fails the test on any violation the page reported.


def test_the_proof_of_work_runs_under_the_policy(page: Page) -> None:
    page.goto("/proposer.html")
    page.locator("#champ-title").focus()  # the widget starts when the form gets the focus
    expect(page.locator("altcha-widget")).to_contain_text("Vérifié", timeout=30_000)
    expect(page.get_by_label("Vérifié")).to_be_checked()


@pytest.mark.parametrize("service", ["catalogue", "survey", "auditions"])
def test_the_api_docs_render_under_their_own_policy(page: Page, stack: Stack, service: str) -> None:
    response = page.goto(f"{stack.api(service)}/docs")
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(".opblock").first).to_be_visible()
    page.wait_for_load_state("networkidle")
