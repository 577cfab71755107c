"""An anonymous proposal cannot make the platform relay spam: the e-mail it causes has a
fixed subject and text, and such e-mails are capped per recipient and per sender a day."""

from __future__ import annotations

from fastapi.testclient import TestClient
from httpx2 import Response

from services.catalogue.notifications import EDIT_LINK_SUBJECT
from tests.catalogue.support import COMPLETE, LINK, Catalogue, wait_for_subject
from tests.conftest import ClientFactory
from tests.helpers import assert_problem, proof_of_work
from tests.mailbox import Mailbox, text_of

SPAM = "GAGNEZ 1000 € : https://spam.example/offre\r\nBcc: victimes@example.org"
TARGET = "cible@ville.example.fr"


def propose(client: TestClient, email: str, **fields: object) -> Response:
    return client.post(
        "/use-cases",
        json={**COMPLETE, "submitter_email": email, **fields},
        headers=proof_of_work(client),
    )


def test_the_edit_link_mail_carries_nothing_the_visitor_typed(
    client_for: ClientFactory, mailbox: Mailbox
) -> None:
    client = client_for("catalogue")
    spam = {
        "title": "Gagnez 1000 euros sur spam.example",
        "summary": SPAM.replace("\r\n", " "),
        "description": "Cliquez ici : https://spam.example/offre",
    }
    created = client.post(
        "/use-cases",
        json={**COMPLETE, **spam, "submitter_email": TARGET},
        headers=proof_of_work(client),
    )
    assert created.status_code == 201, created.text

    message = mailbox.wait_for(TARGET)
    assert message["Subject"] == EDIT_LINK_SUBJECT
    text = text_of(message)
    assert "spam" not in text.lower()
    assert "1000" not in text
    assert f"n° {created.json()['id']}" in text
    assert LINK.search(text)  # the one link: the site's own edit page
    assert text.count("http") == 1
    assert "ignorez ce message" in text
    assert message["Bcc"] is None


def test_one_mailbox_gets_at_most_five_anonymous_mails_a_day(
    client_for: ClientFactory, mailbox: Mailbox
) -> None:
    # Default daily cap per recipient; the per-address caps are raised to isolate it.
    client = client_for(
        "catalogue", rate_limits={"public_submission": "50/3600", "anonymous_mail": "50/86400"}
    )
    for number in range(5):
        accepted = propose(
            client, TARGET.upper() if number % 2 else TARGET, title=f"Fiche {number}"
        )
        assert accepted.status_code == 201
    refused = propose(client, TARGET, title="Fiche de trop")
    assert_problem(refused, 429)
    assert 86000 < int(refused.headers["Retry-After"]) <= 86400
    assert propose(client, "autre@ville.example.fr").status_code == 201


def test_one_address_makes_the_platform_send_few_mails_a_day(
    client_for: ClientFactory, mailbox: Mailbox
) -> None:
    client = client_for(
        "catalogue", rate_limits={"public_submission": "50/3600", "anonymous_mail": "3/86400"}
    )
    sender = TestClient(client.app, client=("2001:db8:5:6::1", 40000))
    for number in range(3):
        assert propose(sender, f"agent{number}@ville.example.fr").status_code == 201
    # Another address of the same IPv6 /64 is the same sender.
    neighbour = TestClient(client.app, client=("2001:db8:5:6::beef", 40000))
    refused = propose(neighbour, "agent9@ville.example.fr")
    body = assert_problem(refused, 429)
    assert "adresse" in str(body["detail"])
    assert 86000 < int(refused.headers["Retry-After"]) <= 86400
    other = TestClient(client.app, client=("2001:db8:5:7::1", 40000))
    assert propose(other, "agent9@ville.example.fr").status_code == 201


def test_a_moderators_decision_names_the_proposal_by_its_number(catalogue: Catalogue) -> None:
    title = "Gagnez 1000 euros sur spam.example"
    created, _token = catalogue.propose(TARGET, **{**COMPLETE, "title": title})
    catalogue.publish(created["id"])
    for message in catalogue.mailbox.messages:
        assert "spam" not in str(message["Subject"])
    decision = wait_for_subject(catalogue.mailbox, TARGET, "Fiche publiée")
    assert "spam" not in decision
    assert f"/fiche.html?id={created['id']}" in decision
    subjects = [str(m["Subject"]) for m in catalogue.mailbox.messages]
    assert f"Fiche publiée : votre proposition n° {created['id']}" in subjects
