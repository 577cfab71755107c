"""The public pages in a real browser, against the real, seeded APIs.

What a page should show is asked of the API in the test itself, so the tests follow the seed
data instead of repeating it.
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import ConsoleMessage, Page, Route, expect

from .support import Stack, describe_violations, run_axe

pytestmark = pytest.mark.browser

PLAN = "Les intelligences associées des territoires"
LOADING = "Chargement…"
CATALOGUE_PAGE_SIZE = 10

# (file, h1, results status selector or None)
PAGES = [
    ("index.html", PLAN, "#apercu-catalogue-etat"),
    ("catalogue.html", "Bibliothèque d'IA territorialisées", "#resultats-etat"),
    ("observatoire.html", "Observatoire des usages", "#resultats-etat"),
    ("auditions.html", "Auditions nationales", "#resultats-etat"),
    ("connexion.html", "Connexion", None),
]

# The three axes: link on the home page, page, h1, service and collection.
AXES = [
    ("Bibliothèque d'IA territorialisées", "catalogue.html", "catalogue", "/use-cases"),
    ("Observatoire des usages", "observatoire.html", "survey", "/campaigns"),
    ("Auditions nationales", "auditions.html", "auditions", "/events"),
]


def fetch_page(
    api: httpx.Client, stack: Stack, service: str, path: str, **params: str | int
) -> dict[str, Any]:
    response = api.get(stack.api(service) + path, params=params)
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    return body


def wait_until_loaded(page: Page) -> None:
    """Waits until every live region of the page has stopped saying "Chargement…"."""
    for status in page.locator("[role=status]").all():
        expect(status).not_to_have_text(LOADING)


def open_page(page: Page, file: str) -> None:
    page.goto(f"/{file}")
    wait_until_loaded(page)


def test_home_presents_the_plan(page: Page) -> None:
    page.goto("/")

    expect(page).to_have_title(re.compile(PLAN))
    expect(page.get_by_role("heading", level=1)).to_have_text(PLAN)
    expect(page.get_by_role("banner")).to_contain_text(PLAN)
    main = page.get_by_role("main")
    for text in ("6 juillet 2023", "Les Interconnectés", "France urbaine", "Intercommunalités"):
        expect(main).to_contain_text(text)
    for name, file, _service, _path in AXES:
        expect(main.get_by_role("link", name=name)).to_have_attribute("href", file)


def test_home_shows_live_data_from_each_api(page: Page, stack: Stack, api: httpx.Client) -> None:
    page.goto("/")

    for block, service, path in (
        ("apercu-catalogue", "catalogue", "/use-cases"),
        ("apercu-observatoire", "survey", "/campaigns"),
        ("apercu-auditions", "auditions", "/events"),
    ):
        expected = fetch_page(api, stack, service, path, limit=3)
        assert expected["items"], f"aucune donnée de démonstration dans {service}{path}"
        expect(page.locator(f"#{block}-etat")).to_contain_text(str(expected["total"]))
        expect(page.locator(f"#{block}-liste")).to_contain_text(expected["items"][0]["title"])
        expect(page.locator(f"#{block}-erreur")).to_be_empty()


@pytest.mark.parametrize(("link", "file", "service", "path"), AXES)
def test_home_links_lead_to_live_service_pages(
    page: Page, stack: Stack, api: httpx.Client, link: str, file: str, service: str, path: str
) -> None:
    expected = fetch_page(api, stack, service, path, limit=10)
    assert expected["items"], f"aucune donnée de démonstration dans {service}{path}"
    page.goto("/")

    page.get_by_role("main").get_by_role("link", name=link).click()

    expect(page).to_have_url(re.compile(re.escape(file) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(link)
    navigation = page.get_by_role("navigation", name="Navigation principale")
    expect(navigation.get_by_role("link", name=link)).to_have_attribute("aria-current", "page")
    results = page.locator("#resultats")
    expect(results).to_contain_text(expected["items"][0]["title"])
    expect(page.locator("#resultats-etat")).to_contain_text(str(expected["total"]))
    expect(page.locator("#resultats-erreur")).to_be_empty()


def test_navigation_reaches_every_page(page: Page) -> None:
    page.goto("/")
    navigation = page.get_by_role("navigation", name="Navigation principale")
    labels = [label.strip() for label in navigation.get_by_role("link").all_inner_texts()]
    assert labels == [
        "Accueil",
        "Bibliothèque d'IA territorialisées",
        "Observatoire des usages",
        "Auditions nationales",
        "Connexion",
    ]

    for label, (_file, heading, _status) in zip(
        labels[1:] + labels[:1], PAGES[1:] + PAGES[:1], strict=True
    ):
        navigation.get_by_role("link", name=label).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(navigation.get_by_role("link", name=label)).to_have_attribute("aria-current", "page")
        expect(page.get_by_role("banner")).to_contain_text(PLAN)
        expect(page.locator("[aria-current=page]")).to_have_count(1)


def test_use_case_cards_show_title_authority_summary_and_theme(
    page: Page, stack: Stack, api: httpx.Client
) -> None:
    first = fetch_page(api, stack, "catalogue", "/use-cases", limit=CATALOGUE_PAGE_SIZE)["items"][0]

    open_page(page, "catalogue.html")

    card = page.locator("#resultats article").first
    expect(card.get_by_role("heading", level=3)).to_have_text(first["title"])
    expect(card).to_contain_text(first["local_authority_name"])
    expect(card).to_contain_text(first["summary"])
    expect(card).to_contain_text(first["theme"])


def test_catalogue_search(page: Page, stack: Stack, api: httpx.Client) -> None:
    first = fetch_page(api, stack, "catalogue", "/use-cases", limit=1)["items"][0]
    query = first["local_authority_name"]
    expected = fetch_page(api, stack, "catalogue", "/use-cases", q=query, limit=CATALOGUE_PAGE_SIZE)
    open_page(page, "catalogue.html")

    search = page.get_by_role("searchbox", name="Rechercher un cas d'usage")
    search.fill(query)
    search.press("Enter")

    expect(page).to_have_url(re.compile(r"\?q="))
    status = page.locator("#resultats-etat")
    expect(status).to_contain_text(f"pour « {query} »")
    expect(page.locator("#resultats .card__title")).to_have_text(
        [item["title"] for item in expected["items"]]
    )

    nothing = "zzz-aucun-cas-zzz"
    assert fetch_page(api, stack, "catalogue", "/use-cases", q=nothing)["total"] == 0
    search.fill(nothing)
    page.get_by_role("button", name="Rechercher").click()
    expect(status).to_have_text(f"Aucun cas d'usage ne correspond à « {nothing} ».")
    expect(page.locator("#resultats li")).to_have_count(0)

    page.go_back()
    expect(search).to_have_value(query)
    expect(page.locator("#resultats .card__title")).to_have_text(
        [item["title"] for item in expected["items"]]
    )


def test_catalogue_pagination(page: Page, stack: Stack, api: httpx.Client) -> None:
    total = fetch_page(api, stack, "catalogue", "/use-cases", limit=1)["total"]
    assert total >= 3, "il faut au moins 3 cas d'usage publiés pour paginer"
    per_page = 2
    pages = -(-total // per_page)
    second = fetch_page(api, stack, "catalogue", "/use-cases", limit=per_page, offset=per_page)
    open_page(page, f"catalogue.html?par_page={per_page}")
    pagination = page.get_by_role("navigation", name="Pagination")
    expect(pagination).to_contain_text(f"Page 1 sur {pages}")
    expect(pagination.get_by_role("link", name="Page précédente")).to_have_count(0)

    pagination.get_by_role("link", name="Page suivante").click()

    expect(page).to_have_url(re.compile(r"[?&]page=2"))
    expect(page.locator("#resultats .card__title")).to_have_text(
        [item["title"] for item in second["items"]]
    )
    expect(page.get_by_role("heading", name="Cas d'usage")).to_be_focused()
    expect(pagination).to_contain_text(f"Page 2 sur {pages}")
    pagination.get_by_role("link", name="Page précédente").click()
    expect(page).not_to_have_url(re.compile(r"[?&]page="))
    expect(pagination).to_contain_text(f"Page 1 sur {pages}")


def test_catalogue_shows_one_page_of_results_by_default(
    page: Page, stack: Stack, api: httpx.Client
) -> None:
    expected = fetch_page(api, stack, "catalogue", "/use-cases", limit=CATALOGUE_PAGE_SIZE)
    open_page(page, "catalogue.html")

    expect(page.locator("#resultats .card__title")).to_have_count(len(expected["items"]))
    pagination = page.get_by_role("navigation", name="Pagination")
    next_pages = 1 if expected["total"] > CATALOGUE_PAGE_SIZE else 0
    expect(pagination.get_by_role("link", name="Page suivante")).to_have_count(next_pages)


def test_a_service_down_shows_a_french_error(page: Page) -> None:
    def refuse(route: Route) -> None:
        route.abort("connectionrefused")

    page.route(re.compile(r"/use-cases"), refuse)
    page.goto("/")

    error = page.locator("#apercu-catalogue-erreur")
    expect(error).to_contain_text("momentanément indisponible")
    expect(error.get_by_role("button", name="Réessayer")).to_be_visible()
    # The other services still show their data.
    expect(page.locator("#apercu-observatoire-erreur")).to_be_empty()
    expect(page.locator("#apercu-observatoire-liste li").first).to_be_visible()

    page.unroute(re.compile(r"/use-cases"))
    error.get_by_role("button", name="Réessayer").click()
    expect(error).to_be_empty()
    expect(page.locator("#apercu-catalogue-liste li").first).to_be_visible()


def test_a_problem_detail_is_shown_as_is(page: Page) -> None:
    detail = "La base de données est momentanément indisponible. Réessayez dans quelques instants."

    def unavailable(route: Route) -> None:
        route.fulfill(
            status=503,
            content_type="application/problem+json",
            headers={"Access-Control-Allow-Origin": "*"},
            body=json.dumps(
                {
                    "type": "about:blank",
                    "title": "Service Unavailable",
                    "status": 503,
                    "detail": detail,
                }
            ),
        )

    page.route(re.compile(r"/events"), unavailable)
    page.goto("/auditions.html")

    expect(page.get_by_role("alert")).to_contain_text(detail)


@pytest.mark.parametrize(("file", "heading", "status"), PAGES)
def test_no_serious_accessibility_violation(
    page: Page, file: str, heading: str, status: str | None
) -> None:
    console_errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            console_errors.append(message.text)

    page.on("console", on_console)
    open_page(page, file)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    if status is not None:
        expect(page.locator(status)).not_to_be_empty()

    violations = run_axe(page)

    if violations:
        print(describe_violations(violations))
    assert not violations, describe_violations(violations)
    assert console_errors == []


@pytest.mark.parametrize("file", [file for file, _heading, _status in PAGES])
def test_no_horizontal_scroll_on_a_small_phone(page: Page, file: str) -> None:
    page.set_viewport_size({"width": 375, "height": 667})
    open_page(page, file)

    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )

    assert widths[0] <= widths[1], f"{file} : {widths[0]} px de contenu pour {widths[1]} px"


def test_skip_link_moves_to_the_content(page: Page) -> None:
    open_page(page, "catalogue.html")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")

    expect(page.get_by_role("main")).to_be_focused()
