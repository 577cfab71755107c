"""The proof of work of the anonymous forms (ALTCHA), verified on the server.

Challenges are solved for real with the `altcha` library, as the widget does in a browser.
The anonymous proposal of a fiche is the form it protects (POST /use-cases).
"""

from __future__ import annotations

import base64
import json
import time

import altcha
import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlmodel import Session, func, select

from services.catalogue.models import UseCase
from services.common.database import create_db_engine
from services.common.proof_of_work import _secret
from tests.catalogue.support import COMPLETE
from tests.conftest import ClientFactory, Databases
from tests.helpers import add_staff, assert_problem, bearer, proof_of_work
from tests.mailbox import Mailbox

PROPOSAL = {**COMPLETE, "submitter_email": "agent@ville.example.fr"}
PROBLEM_TYPE = "https://intelligences-territoires.fr/problems/proof-of-work"


def fiches(databases: Databases) -> int:
    engine = create_db_engine(databases.urls["catalogue"], pool_size=1)
    try:
        with Session(engine) as session:
            return session.exec(select(func.count()).select_from(UseCase)).one()
    finally:
        engine.dispose()


def solved(challenge: altcha.Challenge) -> str:
    solution = altcha.solve_challenge(challenge)
    assert solution is not None
    return altcha.Payload(challenge, solution).to_base64()


def fresh(client: TestClient) -> altcha.Challenge:
    return altcha.Challenge.from_dict(client.get("/proof-of-work").json())


def assert_refused(
    response: Response, databases: Databases, mailbox: Mailbox, *, words: str
) -> None:
    body = assert_problem(response, 403)
    assert body["type"] == PROBLEM_TYPE
    assert words in str(body["detail"])
    assert fiches(databases) == 0
    time.sleep(0.3)
    assert mailbox.messages == []


@pytest.mark.parametrize("service", ["catalogue", "survey", "auditions"])
def test_each_service_hands_out_signed_challenges_without_a_cookie(
    client_for: ClientFactory, service: str
) -> None:
    client = client_for(service)
    response = client.get("/proof-of-work")
    assert response.status_code == 200
    assert "set-cookie" not in response.headers
    assert response.headers["cache-control"] == "no-store"
    challenge = response.json()
    assert set(challenge) == {"parameters", "signature"}
    parameters = challenge["parameters"]
    assert parameters["algorithm"] == "PBKDF2/SHA-256"
    assert parameters["cost"] == 5000
    assert parameters["keyPrefix"] == "00"
    assert 0 < parameters["expiresAt"] - time.time() <= 600
    # Two requests, two challenges.
    assert client.get("/proof-of-work").json()["parameters"]["nonce"] != parameters["nonce"]


def test_a_solved_challenge_lets_an_anonymous_proposal_in(
    client_for: ClientFactory, databases: Databases
) -> None:
    client = client_for("catalogue")
    response = client.post("/use-cases", json=PROPOSAL, headers=proof_of_work(client))
    assert response.status_code == 201, response.text
    assert fiches(databases) == 1


def test_a_proposal_without_proof_of_work_is_refused(
    client_for: ClientFactory, databases: Databases, mailbox: Mailbox
) -> None:
    client = client_for("catalogue")
    response = client.post("/use-cases", json=PROPOSAL)
    assert_refused(response, databases, mailbox, words="GET /proof-of-work")


@pytest.mark.parametrize(
    "payload",
    [
        "pas du base64 !",
        base64.b64encode(b"pas du JSON").decode(),
        base64.b64encode(b"[1, 2, 3]").decode(),
        base64.b64encode(json.dumps({"challenge": {}, "solution": {}}).encode()).decode(),
        base64.b64encode(json.dumps({"challenge": "x", "solution": 3}).encode()).decode(),
    ],
)
def test_a_malformed_solution_is_refused(
    client_for: ClientFactory, databases: Databases, mailbox: Mailbox, payload: str
) -> None:
    client = client_for("catalogue")
    response = client.post("/use-cases", json=PROPOSAL, headers={"Altcha": payload})
    assert_refused(response, databases, mailbox, words="invalide")


def test_a_wrong_counter_or_an_easier_challenge_of_ones_own_is_refused(
    client_for: ClientFactory, databases: Databases, mailbox: Mailbox
) -> None:
    client = client_for("catalogue")
    challenge = fresh(client)
    solution = altcha.solve_challenge(challenge)
    assert solution is not None
    wrong = altcha.Solution(solution.counter + 1, solution.derived_key)
    forged = altcha.Payload(challenge, wrong).to_base64()
    response = client.post("/use-cases", json=PROPOSAL, headers={"Altcha": forged})
    assert_refused(response, databases, mailbox, words="invalide")

    # Lowering the cost keeps the server's signature, which then no longer matches.
    easier = fresh(client)
    easier.parameters.cost = 1
    response = client.post("/use-cases", json=PROPOSAL, headers={"Altcha": solved(easier)})
    assert_refused(response, databases, mailbox, words="invalide")
    # A challenge signed with another key (someone's own server) is not ours.
    theirs = altcha.create_challenge("PBKDF2/SHA-256", 10, hmac_secret="une-autre-cle")
    response = client.post("/use-cases", json=PROPOSAL, headers={"Altcha": solved(theirs)})
    assert_refused(response, databases, mailbox, words="invalide")


def test_an_expired_challenge_is_refused(
    client_for: ClientFactory, databases: Databases, mailbox: Mailbox
) -> None:
    client = client_for("catalogue")
    old = altcha.create_challenge(
        "PBKDF2/SHA-256",
        100,
        expires_at=int(time.time()) - 1,
        hmac_secret=_secret(client.app.state.settings),  # type: ignore[attr-defined]
    )
    response = client.post("/use-cases", json=PROPOSAL, headers={"Altcha": solved(old)})
    assert_refused(response, databases, mailbox, words="expiré")


def test_a_solution_serves_once_on_every_replica(
    client_for: ClientFactory, databases: Databases, mailbox: Mailbox
) -> None:
    first, replica = client_for("catalogue"), client_for("catalogue")
    headers = proof_of_work(first)
    assert first.post("/use-cases", json=PROPOSAL, headers=headers).status_code == 201
    mailbox.wait_for(PROPOSAL["submitter_email"])
    mailbox.clear()
    for client in (first, replica):
        again = client.post(
            "/use-cases", json={**PROPOSAL, "title": "Une autre fiche"}, headers=headers
        )
        body = assert_problem(again, 403)
        assert body["type"] == PROBLEM_TYPE
        assert "déjà servi" in str(body["detail"])
    assert fiches(databases) == 1
    time.sleep(0.3)
    assert mailbox.messages == []


def test_moderators_need_no_proof_of_work_and_it_can_be_switched_off(
    client_for: ClientFactory, databases: Databases
) -> None:
    client = client_for("catalogue")
    add_staff(databases.urls["accounts"], email="moderatrice@example.org", roles=["moderator"])
    staff = bearer(client, email="moderatrice@example.org")
    assert client.post("/use-cases", json=PROPOSAL, headers=staff).status_code == 201
    off = client_for("catalogue", proof_of_work={"enabled": False})
    assert off.post("/use-cases", json=PROPOSAL).status_code == 201


def test_the_schema_documents_the_header_and_the_refusal(client_for: ClientFactory) -> None:
    operation = client_for("catalogue").get("/openapi.json").json()["paths"]["/use-cases"]["post"]
    assert {"name": "Altcha", "in": "header"}.items() <= operation["parameters"][0].items()
    assert "403" in operation["responses"]
    assert "429" in operation["responses"]
