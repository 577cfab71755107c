"""The survey's "done when" journey in a real browser: an analyst publishes the default
questionnaire in a campaign and invites three local authorities; the mail arrives; two
browsers answer the same link at once and each sees the other's work; the answer is
submitted; the analyst sees the participation and downloads the XLSX."""

from __future__ import annotations

import io
import re
import time
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from playwright.sync_api import Browser, Page, expect

from tests.mailbox import text_of

from .support import Stack, describe_violations, run_axe

pytestmark = pytest.mark.browser

RENNES = "213502388"
RENNES_METROPOLE = "243500139"
PLELAN = "213502230"
LINK = re.compile(r"https?://\S+/repondre\.html#[A-Za-z0-9_-]+")


def wait_for_receipt(stack: Stack, to: str) -> str:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        message = stack.wait_for_mail(to)
        if "Accusé de réception" in str(message["Subject"]):
            return text_of(message)
        time.sleep(0.2)
    raise AssertionError("aucun accusé de réception")


def sign_in(page: Page, stack: Stack) -> None:
    page.goto("/connexion.html")
    page.get_by_label("Adresse électronique").fill(stack.admin_email)
    page.get_by_label("Mot de passe").fill(stack.admin_password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Vous êtes connecté")).to_be_visible()


def test_campaign_invitations_two_agents_submission_and_export(
    page: Page, browser: Browser, stack: Stack
) -> None:
    sign_in(page, stack)
    page.goto("/enquetes-console.html")
    expect(page.locator("#console")).to_be_visible()

    # The analyst publishes the default questionnaire in a campaign.
    page.get_by_label("Titre").fill("Observation de test du parcours")
    expect(page.get_by_label("Questionnaire (version publiée)")).to_contain_text(
        "Observatoire des usages de l'IA"
    )
    page.get_by_label("Ouverture (heure de Paris)").fill(
        (date.today() - timedelta(days=1)).isoformat()
    )
    page.get_by_label("Clôture, jour inclus (heure de Paris)").fill(
        (date.today() + timedelta(days=60)).isoformat()
    )
    page.get_by_role("button", name="Publier la campagne").click()
    expect(page.get_by_role("status").first).to_contain_text("publiée")

    # ... and invites three local authorities.
    page.get_by_label(re.compile("Collectivités à inviter")).fill(
        f"code;courriel\n{RENNES};dgs@ville-rennes.test\n{RENNES_METROPOLE};dsi@metropole-rennes.test\n{PLELAN};mairie@plelan.test\n"
    )
    page.get_by_role("button", name="Importer et envoyer les invitations").click()
    expect(page.locator("#invitations-etat")).to_contain_text("3 invitation(s) créée(s)")
    expect(page.locator("#invitations")).to_contain_text("Invitation envoyée")

    # The mail appears in the local mail folder.
    mail = stack.wait_for_mail("dsi@metropole-rennes.test")
    match = LINK.search(text_of(mail))
    assert match is not None
    link = match.group(0)

    # Two browsers answer the same link at once.
    first = browser.new_context(locale="fr-FR")
    second = browser.new_context(locale="fr-FR")
    agent_a, agent_b = first.new_page(), second.new_page()
    blocked: list[str] = []
    for agent in (agent_a, agent_b):
        # These pages run under the real Content-Security-Policy too.
        agent.on(
            "console",
            lambda message: (
                blocked.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
    for agent in (agent_a, agent_b):
        agent.goto(link)
        expect(agent.locator("#identite")).to_contain_text("Rennes Métropole")

    usage = "Votre collectivité utilise-t-elle aujourd'hui au moins un outil d'intelligence artificielle, même à titre d'essai ? (obligatoire)"
    agent_a.get_by_role("group", name=usage).get_by_label("Oui").check()
    agent_b.get_by_label(
        "Combien d'agents votre collectivité emploie-t-elle (équivalents temps plein) ?"
    ).fill("1250")
    agent_b.get_by_label(
        "Combien d'agents votre collectivité emploie-t-elle (équivalents temps plein) ?"
    ).blur()
    expect(agent_a.locator("#sauvegarde")).to_contain_text("enregistrées")
    expect(agent_b.locator("#sauvegarde")).to_contain_text("enregistrées")

    # Each sees the other's work: A's "Oui" reaches B, B's number reaches A.
    expect(agent_b.get_by_role("group", name=usage).get_by_label("Oui")).to_be_checked()
    expect(
        agent_a.get_by_label(
            "Combien d'agents votre collectivité emploie-t-elle (équivalents temps plein) ?"
        )
    ).to_have_value("1250")
    # The EPCI-only question is there for a métropole.
    expect(agent_a.get_by_text("Votre EPCI exerce-t-il une compétence")).to_be_visible()

    # The same question changed by both: the later wins, with a visible notice.
    role = "Quelle est votre fonction ? (obligatoire)"
    agent_a.get_by_role("group", name=role).get_by_label("Direction générale").check()
    expect(agent_a.locator("#sauvegarde")).to_contain_text("enregistrées")
    agent_b.get_by_role("group", name=role).get_by_label("Direction du numérique").check()
    expect(agent_a.locator("#avis")).to_contain_text("Quelle est votre fonction ?")
    expect(
        agent_a.get_by_role("group", name=role).get_by_label("Direction du numérique")
    ).to_be_checked()

    # Agent A completes the required questions, keyboard included for the matrix, and submits.
    agent_a.get_by_role("group", name=re.compile("^Dans quels domaines")).get_by_label(
        "Ressources humaines"
    ).check()
    matrix = agent_a.get_by_role("radiogroup", name="Relation aux usagers")
    matrix.get_by_label("Relation aux usagers : Expérimentation").focus()
    agent_a.keyboard.press("Space")
    expect(matrix.get_by_label("Relation aux usagers : Expérimentation")).to_be_checked()
    agent_a.get_by_role(
        "group", name=re.compile("^Votre collectivité a-t-elle désigné un délégué")
    ).get_by_label("Oui").check()
    agent_a.get_by_role(
        "group", name=re.compile("^À votre connaissance, des agents utilisent")
    ).get_by_label("Rarement").check()
    agent_a.get_by_role(
        "group", name=re.compile("^La collectivité a-t-elle adopté une charte")
    ).get_by_label("Non").check()
    agent_a.get_by_role("group", name=re.compile("^Qu'attendez-vous en priorité")).get_by_label(
        "Des financements"
    ).check()
    agent_a.get_by_role("button", name="Envoyer mes réponses").click()
    expect(agent_a.locator("#envoi-etat")).to_contain_text("Réponses envoyées")
    receipt = wait_for_receipt(stack, "dsi@metropole-rennes.test")
    assert "1250" in receipt
    first.close()
    second.close()
    assert not blocked, blocked

    # The analyst sees the participation and downloads the XLSX.
    page.get_by_role("button", name="Actualiser").click()
    expect(page.locator("#participation-total")).to_contain_text(
        "3 invitées, 1 commencées, 1 envoyées"
    )
    expect(page.locator("#participation")).to_contain_text("Bretagne")
    # ... and the history of the response's changes, both agents included.
    page.get_by_role("button", name="Actualiser").click()
    page.get_by_role("button", name="Historique de Rennes Métropole").click()
    expect(
        page.get_by_role("heading", name="Historique des modifications : Rennes Métropole")
    ).to_be_focused()
    expect(page.locator("#historique-lignes")).to_contain_text("role_repondant")
    expect(page.locator("#historique-lignes")).to_contain_text("agents_total")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Télécharger le classeur XLSX").click()
    path = download_info.value.path()
    workbook = load_workbook(io.BytesIO(path.read_bytes()), read_only=True)
    rows = list(workbook["reponses"].iter_rows(values_only=True))
    header = rows[0]
    line = dict(zip(header, rows[1], strict=False))
    assert line["collectivite"] == "Rennes Métropole"
    assert line["usage_ia"] == "oui"
    assert line["agents_total"] == 1250
    assert line["domaines/rh"] == 1
    assert line["domaines/finances"] == 0
    assert line["role_repondant"] == "dsi"
    assert "codebook" in workbook.sheetnames

    # Both pages pass axe-core (in contexts of their own: injecting axe needs the CSP bypassed).
    assert_accessible(browser, stack, link, "#questions .survey-question")
    assert_accessible(browser, stack, "/enquetes-console.html", "#detail", signed_in=True)


def assert_accessible(
    browser: Browser, stack: Stack, path: str, ready: str, *, signed_in: bool = False
) -> None:
    context = browser.new_context(base_url=stack.front_url, bypass_csp=True, locale="fr-FR")
    try:
        page = context.new_page()
        if signed_in:
            sign_in(page, stack)
        page.goto(path)
        if signed_in:
            expect(page.locator("#console")).to_be_visible()
            option = page.locator(
                "#campagne-choisie option", has_text="Observation de test du parcours"
            )
            page.get_by_label("Campagne suivie").select_option(option.first.get_attribute("value"))
        expect(page.locator(ready).first).to_be_visible()
        violations = run_axe(page)
        assert not violations, describe_violations(violations)
    finally:
        context.close()


def test_an_incomplete_or_unknown_link_says_so(page: Page) -> None:
    page.goto("/repondre.html")
    expect(page.get_by_role("alert").first).to_contain_text("Ce lien est incomplet")

    page.goto("/repondre.html#ce-jeton-n-existe-pas")
    expect(page.get_by_role("alert").first).to_contain_text("inconnu ou n'est plus valable")
    expect(page.locator("#questionnaire")).to_be_hidden()
