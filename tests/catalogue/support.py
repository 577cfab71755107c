"""Builders shared by the catalogue's API tests."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from fastapi.testclient import TestClient

from tests.helpers import add_staff, bearer, private_link, proof_of_work
from tests.mailbox import Mailbox, text_of

MODERATOR = "moderatrice@example.org"
LINK = re.compile(r"/fiche-modifier\.html#([A-Za-z0-9_-]+)")

# The quick-publication subset, complete.
COMPLETE: dict[str, Any] = {
    "title": "Détection des nids-de-poule par les véhicules de collecte",
    "summary": "Des caméras embarquées sur les bennes repèrent les nids-de-poule pendant les tournées.",
    "project_status": "experimentation",
    "local_authority_code": "200046977",
    "domain": "voirie_mobilite",
    "application_type": "reconnaissance",
    "individual_decisions": False,
    "ai_act_class": "risque_minimal",
    "ai_technology": "vision",
    "reusability": "oui_avec_adaptation",
}


@dataclass
class Catalogue:
    client: TestClient
    mailbox: Mailbox
    accounts_url: str

    @cached_property
    def moderator(self) -> dict[str, str]:
        """A signed-in moderator's headers, made at first use (a sign-in hashes a password)."""
        add_staff(self.accounts_url, email=MODERATOR, roles=["moderator"])
        return bearer(self.client, email=MODERATOR)

    def propose(
        self, email: str = "agent@ville.example.fr", **fields: Any
    ) -> tuple[dict[str, Any], str]:
        """Propose a fiche; returns its private view and the token of the e-mailed link."""
        response = self.client.post(
            "/use-cases",
            json={"submitter_email": email, **fields},
            headers=proof_of_work(self.client),
        )
        assert response.status_code == 201, response.text
        return response.json(), token_from_mail(self.mailbox, email)

    def publish_response(self, use_case_id: int) -> Any:
        version = self.client.get(
            f"/moderation/use-cases/{use_case_id}", headers=self.moderator
        ).json()["version"]
        return self.client.post(
            f"/use-cases/{use_case_id}/publish",
            headers={**self.moderator, "If-Match": f'"{version}"'},
        )

    def publish(self, use_case_id: int) -> dict[str, Any]:
        response = self.publish_response(use_case_id)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def edit(self, use_case_id: int, token: str, version: int, **changes: Any) -> Any:
        return self.client.patch(
            f"/use-cases/{use_case_id}",
            json=changes,
            headers={**private_link(token), "If-Match": f'"{version}"'},
        )


def token_from_mail(mailbox: Mailbox, to: str) -> str:
    match = LINK.search(text_of(mailbox.wait_for(to)))
    assert match is not None
    return match.group(1)


def titles(body: dict[str, Any]) -> list[str]:
    return [item["title"] for item in body["items"]]


def wait_for_subject(mailbox: Mailbox, to: str, fragment: str, timeout: float = 10.0) -> str:
    """The text of the newest message to `to` whose subject holds `fragment`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in reversed(list(mailbox.messages)):
            if to in str(message["To"]) and fragment in str(message["Subject"]):
                return text_of(message)
        time.sleep(0.05)
    raise AssertionError(f"aucun message « {fragment} » pour {to}")
