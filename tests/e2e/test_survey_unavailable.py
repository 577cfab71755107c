"""The respondent's page when the survey service fails (issue 21, item 5): a bounded number of
attempts, then what happens — the answers already saved are kept, whom to write to — instead
of a "Réessayer" button forever. The failure is the service's answer replaced by a 503 in the
browser (the one part not run for real: a server cannot be asked to fail on cue)."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from playwright.sync_api import Page, Route, expect

from .support import Stack
from .survey_links import response_link

pytestmark = pytest.mark.browser

RENNES_METROPOLE = "243500139"
MAINTENANCE = json.dumps({"status": 503, "detail": "Service en maintenance."})


def open_link(page: Page, api: httpx.Client, stack: Stack, email: str) -> str:
    listed = api.get(f"{stack.survey_url}/questionnaires").json()["items"]
    questionnaire = int(next(item["id"] for item in listed if item["key"] == "observatoire_ia"))
    link = response_link(
        api, stack, questionnaire, title=f"Campagne {email}", code=RENNES_METROPOLE, email=email
    )
    page.goto(link)
    return link


def test_when_the_questionnaire_cannot_be_shown_the_page_says_what_happens(
    page: Page, api: httpx.Client, stack: Stack
) -> None:
    open_link(page, api, stack, "panne@rennes-metropole.test")
    answer = page.get_by_role(
        "group", name=re.compile("^Votre collectivité utilise-t-elle aujourd'hui")
    ).get_by_label("Oui")
    answer.check()
    expect(page.locator("#sauvegarde")).to_contain_text("enregistrées")

    attempts: list[str] = []

    def fail(route: Route) -> None:
        attempts.append(route.request.url)
        route.fulfill(status=503, content_type="application/problem+json", body=MAINTENANCE)

    page.route(f"{stack.survey_url}/answering", fail)
    page.reload()

    alert = page.locator("#reponse-erreur")
    expect(alert).to_contain_text("Le questionnaire ne peut pas être affiché pour le moment")
    expect(alert).to_contain_text("Les réponses déjà enregistrées sont conservées")
    expect(alert.get_by_role("link", name=re.compile("page Contact"))).to_have_attribute(
        "href", "contact.html"
    )
    expect(page.get_by_role("button", name="Réessayer")).to_have_count(0)
    expect(page.locator("#questionnaire")).to_be_hidden()
    page.wait_for_timeout(4000)
    assert len(attempts) == 3  # bounded: no attempt after the message

    # The service back, the same link shows the answer saved before the failure.
    page.unroute(f"{stack.survey_url}/answering")
    page.reload()
    expect(answer).to_be_checked()


def test_when_autosave_keeps_failing_the_bar_says_what_is_kept(
    page: Page, api: httpx.Client, stack: Stack
) -> None:
    open_link(page, api, stack, "sauvegarde-en-panne@rennes-metropole.test")
    expect(page.locator("#questions .survey-question").first).to_be_visible()
    page.route(
        f"{stack.survey_url}/answering/answers",
        lambda route: route.fulfill(
            status=503, content_type="application/problem+json", body=MAINTENANCE
        ),
    )
    page.get_by_role(
        "group", name=re.compile("^Votre collectivité utilise-t-elle aujourd'hui")
    ).get_by_label("Non").check()

    saved = page.locator("#sauvegarde")
    expect(saved).to_contain_text("Service en maintenance.")
    expect(saved).to_contain_text(
        "Les réponses enregistrées avant restent conservées", timeout=15_000
    )
    expect(saved).to_contain_text("toutes les 30 secondes")
