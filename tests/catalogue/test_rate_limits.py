"""Anonymous proposals are rate-limited per address and per recipient of the edit link."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlmodel import Session, func, select

from services.catalogue.models import UseCase
from services.common.database import create_db_engine
from tests.catalogue.support import COMPLETE
from tests.conftest import ClientFactory, Databases
from tests.helpers import add_staff, assert_problem, bearer, proof_of_work
from tests.mailbox import Mailbox


def fiches(databases: Databases) -> int:
    engine = create_db_engine(databases.urls["catalogue"], pool_size=1)
    try:
        with Session(engine) as session:
            return session.exec(select(func.count()).select_from(UseCase)).one()
    finally:
        engine.dispose()


def test_too_many_proposals_from_one_address_get_429(
    databases: Databases, client_for: ClientFactory, mailbox: Mailbox
) -> None:
    client = client_for("catalogue", rate_limits={"public_submission": "2/3600"})
    for number in range(2):
        proposal = {**COMPLETE, "submitter_email": f"agent{number}@ville.example.fr"}
        assert (
            client.post("/use-cases", json=proposal, headers=proof_of_work(client)).status_code
            == 201
        )
    refused = client.post(
        "/use-cases",
        json={**COMPLETE, "submitter_email": "x@ville.example.fr"},
        headers=proof_of_work(client),
    )
    assert_problem(refused, 429)
    assert 3000 < int(refused.headers["Retry-After"]) <= 3600
    assert fiches(databases) == 2
    # A moderator's own proposals are not counted.
    add_staff(databases.urls["accounts"], email="moderatrice@example.org", roles=["moderator"])
    staff = bearer(client, email="moderatrice@example.org")
    proposal = {**COMPLETE, "submitter_email": "moderatrice@example.org"}
    assert client.post("/use-cases", json=proposal, headers=staff).status_code == 201


def test_one_mailbox_cannot_be_flooded_with_edit_links(
    databases: Databases, client_for: ClientFactory, mailbox: Mailbox
) -> None:
    client = client_for("catalogue", rate_limits={"recipient": "1/3600"})
    proposal = {**COMPLETE, "submitter_email": "Cible@ville.example.fr"}
    assert (
        client.post("/use-cases", json=proposal, headers=proof_of_work(client)).status_code == 201
    )
    again = {**COMPLETE, "submitter_email": "cible@ville.example.fr"}
    assert_problem(client.post("/use-cases", json=again, headers=proof_of_work(client)), 429)
    other = {**COMPLETE, "submitter_email": "autre@ville.example.fr"}
    assert client.post("/use-cases", json=other, headers=proof_of_work(client)).status_code == 201
    assert fiches(databases) == 2


def test_parallel_proposals_cannot_slip_under_the_limit(
    databases: Databases, client_for: ClientFactory, mailbox: Mailbox
) -> None:
    client = client_for("catalogue", rate_limits={"public_submission": "3/3600"})

    def propose(number: int) -> int:
        proposal = {
            **COMPLETE,
            "title": f"{COMPLETE['title']} {number}",
            "submitter_email": f"agent{number}@ville.example.fr",
        }
        return client.post("/use-cases", json=proposal, headers=proof_of_work(client)).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(propose, range(12)))
    assert sorted(statuses) == [201] * 3 + [429] * 9
    assert fiches(databases) == 3
