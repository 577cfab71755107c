"""Header injection (issue 17, class 4) in the survey service: a campaign title with a line
break, typed by an analyst, never breaks or extends an e-mail, and the CSV exports keep a
multi-line answer in its one cell."""

from __future__ import annotations

import csv
import io
import time
from datetime import date, timedelta
from email.message import EmailMessage

from tests.conftest import ClientFactory, Databases
from tests.helpers import private_link
from tests.mailbox import Mailbox
from tests.survey.support import RENNES_METROPOLE, invite, light_survey, token_from_mail

TITLE = "Observation 2026\r\nBcc: intrus@ailleurs.example"
ANSWERS = {
    "role_repondant": "dgs",
    "usage_ia": "non",
    "dpd": "oui",
    "usage_agents": "rarement",
    "charte": "non",
    "attentes": ["retours", "formation"],
    "commentaire": 'Ligne 1\r\nLigne 2 ; "citée", fin\n=1+1',
}


def test_a_campaign_title_with_a_line_break_makes_one_line_subjects_and_cells(
    databases: Databases, client_for: ClientFactory, mailbox: Mailbox
) -> None:
    survey = light_survey(databases, client_for)
    today = date.today()
    created = survey.client.post(
        "/campaigns",
        headers=survey.analyst,
        json={
            "title": TITLE,
            "description": "Campagne de test",
            "opens_on": (today - timedelta(days=2)).isoformat(),
            "closes_on": (today + timedelta(days=30)).isoformat(),
            "questionnaire_id": survey.questionnaire_id,
        },
    )
    assert created.status_code == 201, created.text
    campaign = created.json()["id"]
    invite(survey, campaign, f"{RENNES_METROPOLE};dsi@metropole.example")
    token = token_from_mail(mailbox, "dsi@metropole.example")
    saved = survey.client.patch(
        "/answering/answers", headers=private_link(token), json={"answers": ANSWERS}
    )
    assert saved.status_code == 200, saved.text

    submitted = survey.client.post("/answering/submit", headers=private_link(token))

    assert submitted.status_code == 200, submitted.text
    receipt = next(
        message
        for message in _wait(mailbox, "Accusé de réception")
        if "dsi@metropole.example" in str(message["To"])
    )
    assert "\n" not in str(receipt["Subject"])
    assert "« Observation 2026 Bcc: intrus@ailleurs.example »" in str(receipt["Subject"])
    assert receipt["Bcc"] is None
    assert all("intrus" not in str(message["To"]) for message in mailbox.messages)
    exported = survey.client.get(
        f"/campaigns/{campaign}/export", headers=survey.analyst, params={"format": "csv"}
    )
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"), newline="")))
    assert len(rows) == 1
    assert rows[0]["commentaire"] == ANSWERS["commentaire"]


def _wait(mailbox: Mailbox, fragment: str) -> list[EmailMessage]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = [m for m in mailbox.messages if fragment in str(m["Subject"])]
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"no message about {fragment}")
