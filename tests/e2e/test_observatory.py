"""The observatory's "done when" in a real browser, on the demo that `make up` seeds: the page
of the 2025 campaign shows participation, each question's chart with its interval and n, the
breakdowns with suppressed cells marked, and the CSV download holds what the page shows."""

from __future__ import annotations

import csv
import io

import httpx
import pytest
from playwright.sync_api import Page, expect

from .support import Stack, describe_violations, run_axe

pytestmark = pytest.mark.browser

DEMO = "Observation 2025 des usages de l'IA"
USAGE = "Votre collectivité utilise-t-elle aujourd'hui au moins un outil d'intelligence artificielle, même à titre d'essai ?"


def test_observatory_page_charts_breakdowns_and_csv(
    page: Page, stack: Stack, api: httpx.Client
) -> None:
    page.goto("/observatoire.html")
    page.get_by_role("link", name=f"Participation et résultats : {DEMO}").click()
    expect(page.get_by_role("heading", level=1, name=DEMO)).to_be_visible()
    campaign = page.url.split("campagne=")[1]
    expected = api.get(f"{stack.survey_url}/campaigns/{campaign}/results").json()
    expect(page.locator("#participation-total")).to_contain_text(
        f"{expected['respondents']:,}".replace(",", "\u202f") + " réponses envoyées"
    )

    # Item response rates: a rate only, never how many were shown or answered a question.
    page.get_by_text("Taux de réponse de chaque question").click()
    rates = page.get_by_role("table", name="Taux de réponse par question", exact=False)
    expect(rates.get_by_role("columnheader")).to_have_text(["Question", "Taux"])

    usage = page.locator("section.observatory-question").filter(
        has=page.get_by_role("heading", name=USAGE, exact=True)
    )
    chart = usage.get_by_role("img")
    expect(chart).to_be_visible()
    expect(chart).to_contain_text("(n = ")
    expect(page.get_by_role("heading", name="Note méthodologique")).to_be_visible()
    expect(page.get_by_text("biais de non-réponse")).to_be_visible()

    page.get_by_label("Ventilation").select_option("region")
    expect(page.locator("#observatoire-etat")).to_contain_text("Par région")
    expect(usage.get_by_role("img")).to_contain_text("secret statistique")

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    rows = [
        row
        for row in csv.DictReader(io.StringIO(text), delimiter=";")
        if row["question_code"] == "usage_ia"
    ]
    usage.get_by_text("Tableau des résultats").click()
    table = usage.get_by_role("table")
    lines = table.locator("tbody tr")
    expect(lines).to_have_count(len(rows))
    for number, row in enumerate(rows):
        cells = lines.nth(number).locator("th, td")
        expect(cells.nth(0)).to_have_text(row["domaine"])
        expect(cells.nth(1)).to_have_text(row["reponse"])
        shown = (
            "secret statistique"
            if row["diffusion"] == "secret statistique"
            else f"{row['valeur']} %"
        )
        expect(cells.nth(2)).to_have_text(shown)
    assert any(row["diffusion"] == "secret statistique" for row in rows)

    violations = run_axe(page)
    assert not violations, describe_violations(violations)
