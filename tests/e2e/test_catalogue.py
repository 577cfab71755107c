"""The catalogue's "Done when" journey in a real browser, against the running stack.

Propose a fiche without an account, open the private link from the e-mail, complete the fiche,
publish it as a moderator, find it with an unaccented French query and a facet, edit it again,
see its history, and download the CSV with its SIREN.
"""

from __future__ import annotations

import csv
import io
import re
import secrets

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.mailbox import text_of

from .support import Stack, describe_violations, run_axe

pytestmark = pytest.mark.browser

TITLE = "Détection des nids-de-poule par les véhicules de collecte"


def next_step(page: Page) -> None:
    page.get_by_role("button", name="Étape suivante").click()


def sign_in(page: Page, stack: Stack) -> None:
    page.goto("/connexion.html")
    page.get_by_label("Adresse électronique").fill(stack.admin_email)
    page.get_by_label("Mot de passe").fill(stack.admin_password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator("#session-identite")).to_contain_text(stack.admin_email)


def publish(page: Page, title: str) -> None:
    page.goto("/moderation.html")
    item = page.locator(".catalogue-queue__item").filter(has_text=title)
    expect(item).to_be_visible()
    item.get_by_role("button", name="Publier").click()
    expect(page.locator("#moderation-etat")).to_contain_text("est traitée")


def test_propose_complete_publish_find_edit_history_and_csv(
    page: Page, stack: Stack, browser: Browser
) -> None:
    email = f"agent.{secrets.token_hex(4)}@ville.example.fr"

    # 1. Propose, without an account: a bad address is named next to its field.
    page.goto("/catalogue.html")
    page.get_by_role("link", name="Proposer un cas d'usage").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Proposer un cas d'usage")
    page.get_by_label("Votre adresse électronique").fill("pas-une-adresse")
    page.locator("#champ-title").fill(TITLE)
    page.locator("#champ-summary").fill(
        "Des caméras embarquées repèrent les nids-de-poule pendant les tournées."
    )
    next_step(page)
    page.locator("#champ-local_authority_code").fill("Métropole de Lyon")
    page.get_by_role(
        "button", name=re.compile(r"^Métropole de Lyon \(intercommunalité, 200046977\)")
    ).click()
    expect(page.locator("#champ-local_authority_code")).to_have_value("200046977")
    page.get_by_role("button", name="Envoyer la proposition").click()
    expect(page.locator("#courriel-erreur")).not_to_be_empty()
    expect(page.get_by_label("Votre adresse électronique")).to_have_attribute(
        "aria-invalid", "true"
    )
    page.get_by_label("Votre adresse électronique").fill(email)
    page.get_by_role("button", name="Envoyer la proposition").click()
    expect(page.get_by_role("heading", name="Proposition envoyée")).to_be_visible()

    # 2. The private link arrives in the mail folder.
    link = re.search(r"/fiche-modifier\.html#[A-Za-z0-9_-]+", text_of(stack.wait_for_mail(email)))
    assert link is not None
    page.goto(link.group(0))
    expect(page.locator("#modifier-etat")).to_contain_text("il manque")
    assert_accessible(browser, stack, link.group(0), "#champ-title")

    # 3. Complete it, step by step.
    page.locator("#champ-project_status").select_option("experimentation")
    next_step(page)
    next_step(page)
    page.locator("#champ-domain").select_option("voirie_mobilite")
    page.locator("#champ-application_type").select_option("reconnaissance")
    next_step(page)
    page.locator("#champ-individual_decisions").select_option("false")
    page.locator("#champ-ai_act_class").select_option("risque_minimal")
    art50 = page.get_by_role("group", name=re.compile(r"^Obligations de transparence"))
    art50.get_by_label("Marquer les contenus générés").check()
    next_step(page)
    page.locator("#champ-ai_technology").select_option("vision")
    next_step(page)
    page.locator("#champ-reusability").select_option("oui_avec_adaptation")
    page.get_by_role("button", name="Enregistrer les modifications").click()
    expect(page.locator("#modifier-etat")).to_contain_text("Modifications enregistrées")
    expect(page.locator("#modifier-etat")).not_to_contain_text("il manque")

    # 4. A moderator publishes it.
    sign_in(page, stack)
    publish(page, TITLE)

    # 5. Found with an unaccented French query and a facet; the address holds the search.
    page.goto("/catalogue.html")
    search = page.get_by_role("searchbox", name="Rechercher un cas d'usage")
    search.fill("vehicules detection")
    search.press("Enter")
    expect(page.locator("#resultats-etat")).to_contain_text("pour « vehicules detection »")
    page.get_by_label(re.compile(r"^Voirie, transports et mobilité \(\d+\)")).check()
    expect(page).to_have_url(re.compile(r"domain=voirie_mobilite"))
    expect(page.locator("#resultats .card__title")).to_have_text([TITLE])
    expect(page.locator("#resultats mark").first).to_be_visible()

    # 6. Edit it through the link: moderated again, then published; the history shows it.
    page.goto(link.group(0))
    expect(page.locator("#modifier-etat")).to_contain_text("Publiée")
    page.locator("#champ-summary").fill("Les bennes repèrent aussi l'éclairage public en panne.")
    page.get_by_role("button", name="Enregistrer les modifications").click()
    expect(page.locator("#modifier-etat")).to_contain_text("attendent la relecture")
    publish(page, TITLE)
    page.goto("/catalogue.html?q=eclairage+benne")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    history = page.locator("#historique")
    expect(history.get_by_role("heading", level=3).first).to_contain_text("Publiée")
    expect(history.locator("table").first).to_contain_text(
        "Les bennes repèrent aussi l'éclairage public en panne."
    )
    expect(page.get_by_role("link", name="Métropole de Lyon")).to_be_visible()
    expect(page.locator("#fiche-blocs")).to_contain_text("Marquer les contenus générés")

    # 7. The CSV download carries its SIREN.
    page.goto("/catalogue.html")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le CSV").click()
    content = download_info.value.path().read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    row = next(r for r in rows if r["title"] == TITLE)
    assert row["siren"] == "200046977"
    assert email not in content.decode("utf-8-sig")


def test_local_authority_page_lists_its_crpa_inventory(page: Page) -> None:
    page.goto("/collectivite.html?code=210600045")
    expect(page.get_by_role("heading", level=1)).to_have_text("Antibes")
    inventory = page.locator("#collectivite-inventaire")
    expect(
        inventory.get_by_role("link", name="Calcul du tarif de la restauration scolaire")
    ).to_be_visible()


def test_a_region_page_is_not_the_departement_with_its_code(page: Page) -> None:
    page.goto("/collectivite.html?code=53&type=region")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bretagne")
    expect(page.locator("#collectivite-fiches")).to_contain_text(
        "Analyse des demandes de subventions"
    )


def test_script_in_a_title_is_shown_as_text(page: Page, stack: Stack) -> None:
    page.goto("/proposer.html")
    hostile = "<img src=x onerror=alert(1)> Tri"
    page.get_by_label("Votre adresse électronique").fill("x@example.fr")
    page.locator("#champ-title").fill(hostile)
    page.get_by_role("button", name="Envoyer la proposition").click()
    expect(page.locator("#proposition-envoyee-texte")).to_contain_text(hostile)
    assert page.locator("#proposition-envoyee img").count() == 0


@pytest.mark.parametrize(
    ("path", "ready", "signed_in"),
    [
        ("/catalogue.html?q=vehicules&domain=energie_climat", "#resultats mark", False),
        ("/proposer.html", "#champ-title", False),
        ("/collectivite.html?code=210600045", "#collectivite-inventaire table", False),
        ("/fiche.html?id=1", "#historique li", False),
        ("/moderation.html", "#import-fichier", True),
    ],
)
def test_catalogue_pages_have_no_serious_accessibility_violation(
    browser: Browser, stack: Stack, path: str, ready: str, signed_in: bool
) -> None:
    assert_accessible(browser, stack, path, ready, signed_in=signed_in)


def assert_accessible(
    browser: Browser, stack: Stack, path: str, ready: str, *, signed_in: bool = False
) -> None:
    """axe-core in a context of its own: injecting it needs the CSP bypassed, which the
    journeys never are."""
    context = browser.new_context(base_url=stack.front_url, bypass_csp=True, locale="fr-FR")
    try:
        page = context.new_page()
        if signed_in:
            sign_in(page, stack)
        page.goto(path)
        expect(page.locator(ready).first).to_be_visible()
        violations = run_axe(page)
        assert not violations, describe_violations(violations)
    finally:
        context.close()


@pytest.mark.parametrize(
    "path",
    [
        "/catalogue.html?q=eau",
        "/proposer.html",
        "/fiche.html?id=1",
        "/collectivite.html?code=210600045",
    ],
)
def test_no_horizontal_scroll_on_a_small_phone(page: Page, path: str) -> None:
    page.set_viewport_size({"width": 375, "height": 667})
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("[role=status]").first).not_to_have_text("Chargement…")

    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )

    assert widths[0] <= widths[1], f"{path} : {widths[0]} px de contenu pour {widths[1]} px"


def test_a_moderator_archives_a_fiche_from_its_page(page: Page, stack: Stack) -> None:
    sign_in(page, stack)
    page.goto("/catalogue.html?q=piscines")
    page.get_by_role("link", name="Prévision de la fréquentation des piscines").click()
    page.get_by_label("Note publique").fill("Projet remplacé par un autre outil.")
    page.get_by_role("button", name="Archiver").click()
    expect(page.locator("#fiche-moderation-etat")).to_have_text("La fiche est archivée.")
    page.reload()
    expect(page.locator("#historique")).to_contain_text("Archivée")
    expect(page.locator("#historique")).to_contain_text("Projet remplacé par un autre outil.")


def test_the_list_and_a_fiche_offer_their_atom_feeds(page: Page, stack: Stack) -> None:
    page.goto("/catalogue.html?domain=energie_climat")
    link = page.get_by_role("link", name="S'abonner (Atom) aux fiches de cette recherche")
    expect(link).to_have_attribute(
        "href", f"{stack.catalogue_url}/feeds/use-cases.atom?domain=energie_climat"
    )
    alternate = page.locator('head link[rel="alternate"][type="application/atom+xml"]')
    expect(alternate).to_have_attribute("href", link.get_attribute("href") or "")
    feed = page.request.get(link.get_attribute("href") or "")
    assert feed.headers["content-type"].startswith("application/atom+xml")
    first = page.locator("#resultats h3 a, #resultats a").first.inner_text()
    assert first in feed.text()

    # A new search, a new feed.
    page.goto("/catalogue.html?q=piscines")
    expect(link).to_have_attribute("href", f"{stack.catalogue_url}/feeds/use-cases.atom?q=piscines")

    page.goto("/fiche.html?id=1")
    history = page.get_by_role("link", name="S'abonner (Atom) aux changements de cette fiche")
    expect(history).to_have_attribute("href", f"{stack.catalogue_url}/use-cases/1/history.atom")
    expect(alternate).to_have_attribute("href", f"{stack.catalogue_url}/use-cases/1/history.atom")
    assert "<entry>" in page.request.get(history.get_attribute("href") or "").text()


# The catalogue as an agent looking for projects to reuse meets it (issue 21, item 12).
OPTION_FITS = """(select) => {
  const style = getComputedStyle(select);
  const context = document.createElement('canvas').getContext('2d');
  context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 16;
  return [...select.options].filter((option) => context.measureText(option.text).width > room)
    .map((option) => option.text);
}"""


def test_the_facets_are_boxes_beside_their_labels_and_the_sort_menu_is_whole(
    page: Page,
) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto("/catalogue.html")
    box = page.get_by_label(re.compile(r"^Action sociale et solidarités \(\d+\)"))
    expect(box).to_be_visible()

    square = box.bounding_box()
    label = page.locator("label[for='facette-domain-action_sociale']").bounding_box()
    assert square is not None
    assert label is not None
    assert 24 <= square["width"] <= 32
    assert 24 <= square["height"] <= 32
    # The label is right beside its box and has the rest of the column: two lines at most.
    assert label["x"] - (square["x"] + square["width"]) <= 16
    line = float(
        page.locator("#facettes label").first.evaluate(
            "n => parseFloat(getComputedStyle(n).lineHeight)"
        )
    )
    assert label["height"] <= 2 * line + 1, label
    assert page.locator("#tri").evaluate(OPTION_FITS) == []


def test_a_result_shows_its_summary_once_with_the_words_found_marked(page: Page) -> None:
    page.goto("/catalogue.html?q=eau")
    card = page.locator("#resultats article").filter(has_text="Pilotage de l'arrosage des parcs")
    expect(card).to_be_visible()

    text = card.inner_text()
    assert text.count("économie d") == 1, text
    expect(card.locator("mark")).to_have_text(["eau"])
    # Found in the title: marked there, not repeated under the summary.
    leak = page.locator("#resultats article").filter(has_text="Détection des fuites")
    expect(leak.get_by_role("heading").locator("mark")).to_have_text(["eau"])
    assert leak.inner_text().count("Détection des fuites sur le réseau") == 1


def test_the_fiche_names_its_authority_rather_than_its_siren(
    page: Page, api: httpx.Client, stack: Stack
) -> None:
    fiche = api.get(f"{stack.catalogue_url}/use-cases/1").json()
    page.goto("/fiche.html?id=1")
    porteur = page.locator("#fiche-blocs section").filter(
        has=page.get_by_role("heading", name="Porteur")
    )

    expect(porteur).to_contain_text(f"Collectivité porteuse{fiche['local_authority_name']}")
    expect(page.locator("#fiche-blocs")).not_to_contain_text(fiche["local_authority_code"])
    expect(page.locator("#historique")).not_to_contain_text(fiche["local_authority_code"])
    # The title and the summary are the page's heading and lead, not repeated in the blocks.
    for term in ("Titre", "Résumé"):
        expect(page.locator("#fiche-blocs dt").get_by_text(term, exact=True)).to_have_count(0)
