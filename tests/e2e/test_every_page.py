"""Every page of the site at a phone's width (390 px) and a laptop's (1,366 px), as its users
meet it (issue 21, "Tests"): no horizontal scroll, every visible control at least 24 × 24 px
(WCAG 2.2, 2.5.8, with its exceptions for links inside a sentence and for small targets spaced
24 px apart), axe-core clean. Screenshots of the main pages are written to var/screenshots/
(ignored by git), so that a change of layout can be seen (frontend/README.md)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from .support import Stack, describe_violations, run_axe
from .survey_links import response_link

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ARTEFACTS = ROOT / "var" / "screenshots"
WIDTHS: list[ViewportSize] = [{"width": 390, "height": 844}, {"width": 1366, "height": 768}]

# Each page of site.ts with an address that shows its content; signed in for the consoles.
# The personal-link pages without their link show what a wrong address shows (test_wrong_address).
PAGES: list[tuple[str, bool, bool]] = [
    # (address, signed in, kept as a screenshot)
    ("/index.html", False, True),
    ("/catalogue.html?q=eau", False, True),
    ("/observatoire.html", False, True),
    ("/auditions.html", False, True),
    ("/connexion.html", False, False),
    ("/disponibilites.html", False, False),
    ("/auditions-console.html", True, True),
    ("/enquetes-console.html", True, True),
    ("/observatoire-campagne.html?campagne=2", False, True),
    ("/fiche.html?id=1", False, True),
    ("/proposer.html", False, True),
    ("/fiche-modifier.html", False, False),
    ("/collectivite.html?code=210600045", False, False),
    ("/moderation.html", True, False),
    ("/accessibilite.html", False, False),
    ("/mentions-legales.html", False, False),
    ("/donnees-personnelles.html", False, False),
    ("/contact.html", False, False),
    ("/plan-du-site.html", False, False),
    ("/qualification.html", False, True),  # without a link: the rule set, read-only
    ("/fria.html", True, False),  # without a fiche: what a wrong address shows
]

# Visible controls smaller than 24 × 24 px that no exception of 2.5.8 covers: a link inside a
# sentence (inline, among other text of its block) is exempt, and so is a small target whose
# 24 px circle meets no other target nor another small target's circle.
TOO_SMALL = """() => {
  const controls = [...document.querySelectorAll('a[href], button, input, select, textarea, summary')]
    .filter((node) => node.type !== 'hidden' && node.getClientRects().length > 0)
    .filter((node) => getComputedStyle(node).visibility !== 'hidden')
    .map((node) => ({ node, box: node.getBoundingClientRect() }))
    .filter(({ box }) => box.width > 1 && box.height > 1);
  const inSentence = (node) => {
    if (node.tagName !== 'A' || getComputedStyle(node).display !== 'inline') return false;
    let block = node.parentElement;
    while (block && getComputedStyle(block).display === 'inline') block = block.parentElement;
    const text = (block?.textContent ?? '').replace(/\\s+/g, ' ').trim();
    return text.length > node.textContent.replace(/\\s+/g, ' ').trim().length + 1;
  };
  const small = ({ box }) => box.width < 24 || box.height < 24;
  const centre = ({ box }) => [box.x + box.width / 2, box.y + box.height / 2];
  const distanceToBox = ([x, y], box) => Math.hypot(
    Math.max(box.left - x, 0, x - box.right), Math.max(box.top - y, 0, y - box.bottom));
  const spaced = (target) => controls.every((other) => {
    if (other === target || other.node.contains(target.node) || target.node.contains(other.node)) return true;
    const [x, y] = centre(target);
    if (small(other)) {
      const [ox, oy] = centre(other);
      return Math.hypot(x - ox, y - oy) >= 24;
    }
    return distanceToBox([x, y], other.box) >= 12;
  });
  return controls.filter(small).filter((target) => !inSentence(target.node)).filter((target) => !spaced(target))
    .map(({ node, box }) => `${node.tagName.toLowerCase()} « ${(node.textContent || node.id || node.name || '').trim().slice(0, 40)} » ${Math.round(box.width)}×${Math.round(box.height)}`);
}"""


def sign_in(page: Page, stack: Stack) -> None:
    page.goto("/connexion.html")
    page.get_by_label("Adresse électronique").fill(stack.admin_email)
    page.get_by_label("Mot de passe").fill(stack.admin_password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator("#session-identite")).to_contain_text(stack.admin_email)


def check(page: Page, viewport: ViewportSize, name: str, *, keep: bool) -> list[str]:
    """What is wrong with the page shown, in words (empty when nothing is)."""
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("main").get_by_text(re.compile("^Chargement"))).to_have_count(0)
    page.wait_for_load_state("networkidle")
    problems: list[str] = []
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > viewport["width"]:
        problems.append(f"{width} px de contenu pour {viewport['width']} px")
    problems.extend(f"cible trop petite : {target}" for target in page.evaluate(TOO_SMALL))
    violations = run_axe(page)
    if violations:
        problems.append(describe_violations(violations))
    if keep:
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTEFACTS / f"{name}-{viewport['width']}.png"), full_page=True)
    return problems


@pytest.mark.parametrize("viewport", WIDTHS, ids=["390px", "1366px"])
def test_every_page_fits_has_targets_of_24_px_and_is_axe_clean(
    browser: Browser, stack: Stack, api: httpx.Client, viewport: ViewportSize
) -> None:
    listed = api.get(f"{stack.survey_url}/questionnaires").json()["items"]
    questionnaire = int(next(item["id"] for item in listed if item["key"] == "observatoire_ia"))
    email = f"toutes-les-pages-{viewport['width']}@rennes-metropole.test"
    answering = response_link(
        api, stack, questionnaire, title=f"Campagne {email}", code="243500139", email=email
    )
    context = browser.new_context(
        base_url=stack.front_url, viewport=viewport, locale="fr-FR", bypass_csp=True
    )
    problems: dict[str, list[str]] = {}
    try:
        page = context.new_page()
        page.goto(answering)
        expect(page.locator("#questions .survey-question").first).to_be_visible()
        problems["repondre.html"] = check(page, viewport, "repondre", keep=True)
        for signed_in in (False, True):
            if signed_in:
                sign_in(page, stack)
            for path, needs_account, keep in PAGES:
                if needs_account != signed_in:
                    continue
                page.goto(path)
                name = path.strip("/").split(".")[0]
                problems[path] = check(page, viewport, name, keep=keep)
    finally:
        context.close()

    found = {path: lines for path, lines in problems.items() if lines}
    assert not found, "\n".join(
        f"{path} :\n  " + "\n  ".join(lines) for path, lines in found.items()
    )
