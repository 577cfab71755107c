"""Nobody locks a staff member out: sign-in failures count per (account, address) and per
address, IPv6 addresses by /64, and the owner is warned by e-mail of repeated failures.

The first test runs the service under uvicorn and connects from two real loopback addresses
(127.0.0.1 and 127.0.0.2: the whole 127.0.0.0/8 is loopback), as two machines would; IPv6
addresses come through the ASGI client tuple, the transport having only ::1 here.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from starlette.types import ASGIApp

from services.common.addresses import address_group
from services.common.auth.alerts import SUBJECT
from tests.conftest import ClientFactory, Databases
from tests.helpers import PASSWORD, add_staff, assert_problem, sign_in
from tests.mailbox import Mailbox, text_of

OWNER = "lea@example.org"
WRONG = "pas-le-bon-mot-de-passe"


@contextmanager
def served(app: ASGIApp) -> Iterator[str]:
    """`app` under uvicorn on 127.0.0.1, in a thread; yields its base address."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # The app's lifespan already runs (its TestClient started it): uvicorn only serves.
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn n'a pas démarré"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def from_address(local: str) -> httpx.Client:
    """A client whose connections leave from `local` (a real source address)."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=local), timeout=30)


def token_request(client: httpx.Client, base: str, password: str) -> httpx.Response:
    return client.post(f"{base}/auth/token", data={"username": OWNER, "password": password})


def seen_from(client: TestClient, host: str) -> TestClient:
    return TestClient(client.app, client=(host, 40000))


def test_a_stranger_at_another_address_cannot_lock_the_owner_out(
    client_for: ClientFactory, databases: Databases
) -> None:
    app = client_for("catalogue").app
    add_staff(databases.urls["accounts"], email=OWNER, roles=["moderator"])
    with (
        served(app) as base,
        from_address("127.0.0.2") as stranger,
        from_address("127.0.0.1") as owner,
    ):
        started = time.monotonic()
        statuses = [token_request(stranger, base, WRONG).status_code for _ in range(5)]
        assert statuses == [401] * 5
        # The sixth attempt from that address is refused, even with the right password...
        refused = token_request(stranger, base, PASSWORD)
        assert refused.status_code == 429
        assert refused.headers["content-type"].startswith("application/problem+json")
        # When the first failure leaves the 15-minute window.
        elapsed = time.monotonic() - started
        assert 900 - elapsed - 1 <= int(refused.headers["retry-after"]) <= 900
        assert "access_token" not in refused.text
        # ...and refusals do not push the wait further.
        again = token_request(stranger, base, WRONG)
        assert int(again.headers["retry-after"]) <= int(refused.headers["retry-after"])
        # The owner, from their own address, signs in at once.
        signed_in = token_request(owner, base, PASSWORD)
        assert signed_in.status_code == 200, signed_in.text
        assert signed_in.json()["access_token"]
        # Their success does not give the stranger a new allowance.
        assert token_request(stranger, base, WRONG).status_code == 429


def test_the_addresses_of_one_ipv6_64_share_one_allowance(
    client_for: ClientFactory, databases: Databases
) -> None:
    client = client_for("survey")
    add_staff(databases.urls["accounts"], email=OWNER, roles=["analyst"])
    for host in ("2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:aa::3", "2001:db8:1:2::4"):
        assert_problem(sign_in(seen_from(client, host), email=OWNER, password=WRONG), 401)
    assert_problem(sign_in(seen_from(client, "2001:db8:1:2::5"), email=OWNER, password=WRONG), 401)
    # Any sixth address of that /64 is the same subscriber: refused.
    refused = sign_in(seen_from(client, "2001:db8:1:2:ffff:ffff:ffff:fffe"), email=OWNER)
    assert_problem(refused, 429)
    # The next /64 is someone else; the owner there signs in.
    assert sign_in(seen_from(client, "2001:db8:1:3::1"), email=OWNER).status_code == 200


def test_the_owner_is_warned_once_when_failures_pile_up_from_many_addresses(
    client_for: ClientFactory, databases: Databases, mailbox: Mailbox
) -> None:
    limits = {"login_max_failures": 2, "login_alert_failures": 5}
    clients = [client_for(service, auth=limits) for service in ("catalogue", "auditions")]
    add_staff(databases.urls["accounts"], email=OWNER, roles=["moderator"])
    add_staff(databases.urls["accounts"], email="autre@example.org", roles=["moderator"])
    # Eight failures from four addresses (two per address, on two services): no address is
    # refused yet, and the owner is warned once, not at each failure past the fifth.
    for rank in range(4):
        for client in clients:
            guess = sign_in(
                seen_from(client, f"198.51.100.{rank + 1}"), email=OWNER, password=WRONG
            )
            assert_problem(guess, 401)
    warning = mailbox.wait_for(OWNER)
    assert warning["Subject"] == SUBJECT
    text = text_of(warning)
    assert "tentatives de connexion échouées" in text
    assert WRONG not in text
    assert "198.51.100" not in text
    time.sleep(1.0)  # the outbox polls every 0.1 s: a second warning would be here by now
    assert [str(m["To"]) for m in mailbox.messages] == [OWNER]
    # Nothing is locked for the owner, and an account without failures gets no warning.
    assert sign_in(clients[0], email=OWNER).status_code == 200
    assert sign_in(clients[1], email="autre@example.org").status_code == 200


def test_failures_on_an_unknown_address_warn_nobody(
    client_for: ClientFactory, mailbox: Mailbox
) -> None:
    client = client_for("catalogue", auth={"login_alert_failures": 1})
    assert_problem(sign_in(client, email="personne@example.org", password=WRONG), 401)
    time.sleep(0.5)
    assert mailbox.messages == []


@pytest.mark.parametrize(
    ("host", "group"),
    [
        ("192.0.2.1", "192.0.2.1"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:DB8:1:2::", "2001:db8:1:2::/64"),
        ("::ffff:192.0.2.9", "192.0.2.9"),
        ("fe80::1%eth0", "fe80::/64"),
        ("::1", "::/64"),
        ("testclient", "testclient"),
        ("", "inconnue"),
    ],
)
def test_addresses_are_counted_ipv4_alone_and_ipv6_by_64(host: str, group: str) -> None:
    assert address_group(host) == group
