"""Staff sign-in, tokens verified by the three services, roles, throttling and API tokens."""

from __future__ import annotations

import gc
import json
import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from pydantic import SecretStr
from sqlmodel import Session

from services.cli import main as iat_admin
from services.common.auth import accounts
from services.common.auth.models import ApiToken
from services.common.auth.tokens import encode_token, issue_api_token
from services.common.database import create_db_engine
from services.common.settings import AuthSettings
from services.common.sql import utcnow
from tests.catalogue.support import COMPLETE
from tests.conftest import TEST_SECRET_KEY, ClientFactory, Databases
from tests.helpers import add_staff, assert_problem, bearer, proof_of_work, sign_in

SERVICES = ("catalogue", "survey", "auditions")
TITLE = "Détection des fuites d'eau par l'analyse des débits nocturnes"
# A one-fiche JSON file for the staff import (a moderator-or-`catalogue:write` operation).
IMPORT_FILE = json.dumps([{**COMPLETE, "title": TITLE}]).encode()
# An anonymous proposal: the public POST /use-cases, which still looks at a given token.
PROPOSAL = {**COMPLETE, "title": TITLE, "submitter_email": "agent@ville.example.fr"}


@contextmanager
def accounts_session(databases: Databases) -> Iterator[Session]:
    engine = create_db_engine(databases.urls["accounts"], pool_size=1)
    try:
        with Session(engine, expire_on_commit=False) as session:
            yield session
    finally:
        engine.dispose()


def _account_id(databases: Databases, email: str) -> int:
    with accounts_session(databases) as session:
        account = accounts.find_staff(session, email=email)
        assert account is not None
        assert account.id is not None
        return account.id


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _three(client_for: ClientFactory) -> dict[str, TestClient]:
    """The three services on the same databases (started in the test, so logs are captured)."""
    return {service: client_for(service) for service in SERVICES}


@pytest.fixture
def cli_env(databases: Databases, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """`iat-admin` pointed at the test accounts store with the test signing key."""
    monkeypatch.setenv("AUTH_DATABASE_URL", databases.urls["accounts"])
    monkeypatch.setenv("AUTH_SECRET_KEY", TEST_SECRET_KEY)
    yield
    # Whatever the CLI left for the garbage collector is reported here, not in a later test.
    gc.collect()


def _import(client: TestClient, headers: dict[str, str] | None = None) -> Response:
    """Staff import of one complete fiche (published at once when admitted)."""
    return client.post(
        "/imports/use-cases",
        headers=headers or {},
        files={"file": ("fiches.json", IMPORT_FILE, "application/json")},
    )


def _assert_imported(client: TestClient, response: Response) -> None:
    """The import was admitted and its fiche is now in the public catalogue."""
    assert response.status_code == 200, response.text
    assert response.json() == {"rows": 1, "imported": 1, "rejected": []}
    listing: Any = client.get("/use-cases").json()
    assert listing["total"] == 1
    assert [item["title"] for item in listing["items"]] == [TITLE]


def _other_address(client: TestClient, host: str) -> TestClient:
    """The same app, seen from another client address."""
    return TestClient(client.app, client=(host, 40000))


# --- sign-in ---------------------------------------------------------------------------------


def test_sign_in_answers_a_bearer_token(client_for: ClientFactory, databases: Databases) -> None:
    add_staff(databases.urls["accounts"], email="lea@example.org", roles=["moderator"])

    response = sign_in(client_for("catalogue"), email="Lea@Example.org ")

    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    assert body["access_token"].count(".") == 2


def test_a_token_from_one_service_works_on_the_two_others(
    client_for: ClientFactory, databases: Databases
) -> None:
    clients = _three(client_for)
    add_staff(databases.urls["accounts"], email="lea@example.org", roles=["moderator", "analyst"])

    for issuer, client in clients.items():
        headers = bearer(client, email="lea@example.org")
        for service, other in clients.items():
            me = other.get("/auth/me", headers=headers)
            assert me.status_code == 200, (issuer, service, me.text)
            body = me.json()
            assert body["kind"] == "staff"
            assert body["email"] == "lea@example.org"
            assert body["roles"] == ["analyst", "moderator"]
            assert body["scopes"] == []


def test_wrong_email_and_wrong_password_get_the_same_401(
    client_for: ClientFactory, databases: Databases
) -> None:
    client = client_for("catalogue")
    add_staff(databases.urls["accounts"], email="lea@example.org", roles=["moderator"])

    wrong_email = sign_in(client, email="personne@example.org")
    wrong_password = sign_in(client, email="lea@example.org", password="pas-le-bon-mot-de-passe")

    body = assert_problem(wrong_email, 401)
    assert assert_problem(wrong_password, 401) == body
    assert wrong_email.headers["www-authenticate"] == wrong_password.headers["www-authenticate"]
    assert "access_token" not in wrong_password.text


def test_a_disabled_account_is_refused_everywhere(
    client_for: ClientFactory, databases: Databases
) -> None:
    clients = _three(client_for)
    add_staff(databases.urls["accounts"], email="lea@example.org", roles=["moderator"])
    headers = bearer(clients["survey"], email="lea@example.org")
    wrong_password = sign_in(clients["survey"], email="lea@example.org", password="x" * 12)
    with accounts_session(databases) as session:
        accounts.set_staff_disabled(session, email="lea@example.org", disabled=True)
        session.commit()

    for service, client in clients.items():
        assert_problem(client.get("/auth/me", headers=headers), 401)
        refused = sign_in(client, email="lea@example.org")
        assert assert_problem(refused, 401) == wrong_password.json(), service
    assert_problem(_import(clients["catalogue"], headers), 401)
    assert clients["catalogue"].get("/use-cases").json()["total"] == 0


def test_a_re_enabled_account_can_sign_in_again(
    client_for: ClientFactory, databases: Databases
) -> None:
    client = client_for("auditions")
    add_staff(databases.urls["accounts"], email="lea@example.org", roles=["organiser"])
    for disabled in (True, False):
        with accounts_session(databases) as session:
            accounts.set_staff_disabled(session, email="lea@example.org", disabled=disabled)
            session.commit()

    response = sign_in(client, email="lea@example.org")

    assert response.status_code == 200, response.text


def test_tokens_from_before_a_disable_stay_dead_after_enable(
    client_for: ClientFactory, databases: Databases
) -> None:
    clients = _three(client_for)
    add_staff(databases.urls["accounts"], email="lea@example.org", roles=["organiser"])
    stolen = bearer(clients["auditions"], email="lea@example.org")
    for disabled in (True, False):
        with accounts_session(databases) as session:
            accounts.set_staff_disabled(session, email="lea@example.org", disabled=disabled)
            session.commit()

    fresh = bearer(clients["auditions"], email="lea@example.org")
    for client in clients.values():
        assert_problem(client.get("/auth/me", headers=stolen), 401)
        assert client.get("/auth/me", headers=fresh).status_code == 200


def test_a_password_reset_ends_the_tokens_issued_before(
    client_for: ClientFactory, databases: Databases
) -> None:
    client = client_for("catalogue")
    add_staff(databases.urls["accounts"], email="lea@example.org", roles=["moderator"])
    before = bearer(client, email="lea@example.org")
    with accounts_session(databases) as session:
        accounts.reset_staff(
            session, email="lea@example.org", password="nouveau-secret-2026", roles=["moderator"]
        )
        session.commit()

    assert_problem(client.get("/auth/me", headers=before), 401)
    after = bearer(client, email="lea@example.org", password="nouveau-secret-2026")
    assert client.get("/auth/me", headers=after).status_code == 200


# --- throttling ------------------------------------------------------------------------------


def _assert_throttled(response: Response, *, since: float) -> None:
    """A 429 whose Retry-After is when the first failure, made after `since`, leaves the
    15-minute window."""
    body = assert_problem(response, 429)
    assert "access_token" not in response.text
    elapsed = time.monotonic() - since
    assert 900 - elapsed - 1 <= int(response.headers["retry-after"]) <= 900
    assert body["detail"]


def test_failures_count_per_account_and_address_across_services_and_never_lock_the_owner_out(
    client_for: ClientFactory, databases: Databases
) -> None:
    # Until issue 17, 6 failures from anywhere locked the account for everyone, its owner too.
    limited = {"login_max_failures": 3}
    clients = [client_for(service, auth=limited) for service in SERVICES]
    add_staff(databases.urls["accounts"], email="lea@example.org", roles=["moderator"])
    started = time.monotonic()
    # One failure per service from the same address: the pair's count adds up everywhere.
    for client in clients:
        attacker = _other_address(client, "192.0.2.1")
        assert_problem(sign_in(attacker, email="lea@example.org", password="y" * 12), 401)

    for client in clients:
        # That address is refused for this account, even with the right password...
        refused = sign_in(_other_address(client, "192.0.2.1"), email="lea@example.org")
        _assert_throttled(refused, since=started)
        # ...while the owner, from their own address or another one, signs in.
        assert sign_in(client, email="lea@example.org").status_code == 200
        other = _other_address(client, "198.51.100.7")
        assert sign_in(other, email="lea@example.org").status_code == 200


def test_too_many_failures_from_one_address_block_that_address(
    client_for: ClientFactory, databases: Databases
) -> None:
    client = client_for(
        "catalogue", auth={"login_max_failures": 3, "login_max_failures_per_address": 3}
    )
    add_staff(databases.urls["accounts"], email="lea@example.org", roles=["moderator"])
    attacker = _other_address(client, "203.0.113.66")
    started = time.monotonic()
    for rank in range(3):
        assert_problem(sign_in(attacker, email=f"inconnu{rank}@example.org"), 401)

    _assert_throttled(sign_in(attacker, email="lea@example.org"), since=started)
    _assert_throttled(sign_in(attacker, email="autre-inconnu@example.org"), since=started)
    # The account itself did nothing wrong: from its usual address it signs in.
    assert sign_in(client, email="lea@example.org").status_code == 200


def test_failures_under_the_limit_do_not_block(
    client_for: ClientFactory, databases: Databases
) -> None:
    client = client_for("catalogue", auth={"login_max_failures": 3})
    add_staff(databases.urls["accounts"], email="lea@example.org", roles=["moderator"])
    for _ in range(2):
        assert_problem(sign_in(client, email="lea@example.org", password="z" * 12), 401)

    assert sign_in(client, email="lea@example.org").status_code == 200


def test_a_successful_sign_in_clears_the_account_failures(
    client_for: ClientFactory, databases: Databases
) -> None:
    client = client_for("survey", auth={"login_max_failures": 3})
    add_staff(databases.urls["accounts"], email="lea@example.org", roles=["analyst"])
    for _ in range(2):
        assert_problem(sign_in(client, email="lea@example.org", password="z" * 12), 401)
    assert sign_in(client, email="lea@example.org").status_code == 200

    # Without the reset, the second of these would already be throttled (2 + 2 > 3).
    for _ in range(2):
        assert_problem(sign_in(client, email="lea@example.org", password="z" * 12), 401)
    assert sign_in(client, email="lea@example.org").status_code == 200


# --- roles and bad tokens --------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), [("analyst", 403), ("organiser", 403)])
def test_a_use_case_cannot_be_added_without_the_moderator_role(
    client_for: ClientFactory, databases: Databases, role: str, status: int
) -> None:
    client = client_for("catalogue")
    add_staff(databases.urls["accounts"], email="lea@example.org", roles=[role])

    response = _import(client, bearer(client, email="lea@example.org"))

    assert_problem(response, status)
    assert client.get("/use-cases").json()["total"] == 0


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_a_moderator_or_an_admin_adds_a_use_case(
    client_for: ClientFactory, databases: Databases, role: str
) -> None:
    client = client_for("catalogue")
    add_staff(databases.urls["accounts"], email="lea@example.org", roles=[role])
    headers = bearer(client, email="lea@example.org")

    response = _import(client, headers)

    _assert_imported(client, response)


def test_no_token_is_a_401_asking_for_a_bearer(client_for: ClientFactory) -> None:
    client = client_for("catalogue")

    imported = _import(client)
    queue = client.get("/moderation/use-cases")
    me = client.get("/auth/me")

    for response in (imported, queue, me):
        assert_problem(response, 401)
        assert response.headers["www-authenticate"] == "Bearer"
    assert client.get("/use-cases").json()["total"] == 0


@pytest.mark.parametrize(
    "token", ["n-importe-quoi", "a.b.c", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."]
)
def test_a_garbage_token_is_a_401(client_for: ClientFactory, token: str) -> None:
    client = client_for("catalogue")

    for response in (
        client.get("/auth/me", headers=_auth(token)),
        _import(client, _auth(token)),
        # A public operation that looks at the caller (the anonymous proposal, which notes
        # whether a moderator made it) refuses a bad token rather than ignoring it.
        client.post("/use-cases", json=PROPOSAL, headers=_auth(token)),
    ):
        assert_problem(response, 401)
        assert response.headers["www-authenticate"] == "Bearer"
    # The very same proposal without a token is accepted: the 401 was the token's doing.
    anonymous = client.post("/use-cases", json=PROPOSAL, headers=proof_of_work(client))
    assert anonymous.status_code == 201


def _staff_token(databases: Databases, email: str, *, minutes: int, **settings: object) -> str:
    return encode_token(
        settings=databases.auth_settings(**settings),
        subject=f"staff:{_account_id(databases, email)}",
        token_type="staff",
        token_id="jeton-fabrique",
        expires_at=utcnow() + timedelta(minutes=minutes),
        claims={"email": email, "name": email, "roles": ["moderator"], "gen": 0},
    )


def test_a_forged_token_of_the_right_shape_is_accepted_only_when_valid(
    client_for: ClientFactory, databases: Databases
) -> None:
    client = client_for("catalogue")
    add_staff(databases.urls["accounts"], email="lea@example.org", roles=["moderator"])

    valid = _staff_token(databases, "lea@example.org", minutes=5)
    expired = _staff_token(databases, "lea@example.org", minutes=-5)
    other_key = _staff_token(
        databases, "lea@example.org", minutes=5, secret_key=SecretStr("une-autre-clef-" + "k" * 40)
    )
    other_issuer = _staff_token(databases, "lea@example.org", minutes=5, issuer="quelqu-un-d-autre")

    assert client.get("/auth/me", headers=_auth(valid)).status_code == 200
    for token in (expired, other_key, other_issuer):
        assert_problem(client.get("/auth/me", headers=_auth(token)), 401)
        assert_problem(_import(client, _auth(token)), 401)
    assert _import(client, _auth(valid)).status_code == 200


def test_a_token_for_an_unknown_account_is_a_401(
    client_for: ClientFactory, databases: Databases
) -> None:
    client = client_for("catalogue")
    token = encode_token(
        settings=databases.auth_settings(),
        subject="staff:999999",
        token_type="staff",
        token_id="jeton-orphelin",
        expires_at=utcnow() + timedelta(minutes=5),
        claims={"roles": ["admin"]},
    )

    assert_problem(client.get("/auth/me", headers=_auth(token)), 401)


def test_a_role_change_applies_at_once(client_for: ClientFactory, databases: Databases) -> None:
    client = client_for("catalogue")
    add_staff(databases.urls["accounts"], email="lea@example.org", roles=["analyst"])
    headers = bearer(client, email="lea@example.org")
    assert_problem(_import(client, headers), 403)

    with accounts_session(databases) as session:
        account = accounts.find_staff(session, email="lea@example.org")
        assert account is not None
        account.roles = "moderator"
        session.add(account)
        session.commit()

    assert client.get("/auth/me", headers=headers).json()["roles"] == ["moderator"]
    _assert_imported(client, _import(client, headers))


# --- API tokens ------------------------------------------------------------------------------


def _api_token(
    databases: Databases, *scopes: str, name: str = "Portail open data"
) -> tuple[str, str]:
    """A new API token: its id and its bearer string."""
    engine = create_db_engine(databases.urls["accounts"], pool_size=1)
    try:
        with Session(engine, expire_on_commit=False) as session:
            record = accounts.create_api_token(session, name=name, scopes=scopes, days=30)
            session.commit()
        return record.id, issue_api_token(record, settings=databases.auth_settings())
    finally:
        engine.dispose()


def test_an_api_token_with_catalogue_write_adds_a_use_case(
    client_for: ClientFactory, databases: Databases
) -> None:
    clients = _three(client_for)
    _, token = _api_token(databases, "catalogue:write", "survey:read")

    created = _import(clients["catalogue"], _auth(token))

    _assert_imported(clients["catalogue"], created)
    for client in clients.values():
        me = client.get("/auth/me", headers=_auth(token)).json()
        assert me["kind"] == "api_token"
        assert me["scopes"] == ["catalogue:write", "survey:read"]
        assert me["name"] == "Portail open data"
        assert me["roles"] == []
        assert me["email"] is None


@pytest.mark.parametrize("scope", ["catalogue:read", "survey:write"])
def test_an_api_token_without_catalogue_write_cannot_add(
    client_for: ClientFactory, databases: Databases, scope: str
) -> None:
    client = client_for("catalogue")
    _, token = _api_token(databases, scope)

    assert_problem(_import(client, _auth(token)), 403)
    assert_problem(client.get("/moderation/use-cases", headers=_auth(token)), 403)
    assert client.get("/use-cases").json()["total"] == 0


@pytest.mark.usefixtures("cli_env")
def test_an_api_token_issued_by_the_cli_works_then_revoked_is_refused_everywhere(
    client_for: ClientFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    clients = _three(client_for)
    assert iat_admin(["token", "issue", "--name", "Intégrateur", "--scope", "catalogue:write"]) == 0
    out = capsys.readouterr().out.splitlines()
    match = re.match(r"^jeton ([0-9a-f]{32}) \(catalogue:write\)", out[0])
    assert match is not None, out
    token_id, token = match.group(1), out[-1]
    for client in clients.values():
        assert client.get("/auth/me", headers=_auth(token)).status_code == 200
    _assert_imported(clients["catalogue"], _import(clients["catalogue"], _auth(token)))

    assert iat_admin(["token", "revoke", token_id]) == 0

    for client in clients.values():
        assert_problem(client.get("/auth/me", headers=_auth(token)), 401)
    assert_problem(_import(clients["catalogue"], _auth(token)), 401)
    assert clients["catalogue"].get("/use-cases").json()["total"] == 1


def test_an_expired_api_token_is_refused(client_for: ClientFactory, databases: Databases) -> None:
    client = client_for("catalogue")
    token_id, token = _api_token(databases, "catalogue:write")
    assert client.get("/auth/me", headers=_auth(token)).status_code == 200
    with accounts_session(databases) as session:
        record = session.get(ApiToken, token_id)
        assert record is not None
        record.expires_at = utcnow() - timedelta(minutes=1)
        session.add(record)
        session.commit()

    assert_problem(client.get("/auth/me", headers=_auth(token)), 401)


# --- sign-in under pressure ------------------------------------------------------------------


def test_parallel_guesses_cannot_slip_under_the_limit(
    databases: Databases, client_for: ClientFactory
) -> None:
    client = client_for("catalogue", auth={"login_max_failures": 3})
    add_staff(databases.urls["accounts"], email="cible@example.org", roles=["moderator"])

    def guess(attempt: int) -> int:
        return sign_in(client, email="cible@example.org", password=f"essai-{attempt}").status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(guess, range(16)))

    assert statuses.count(401) <= 3
    assert statuses.count(429) >= 13
    assert set(statuses) <= {401, 429}


def test_an_overlong_or_odd_username_is_refused_and_still_counted(
    client_for: ClientFactory,
) -> None:
    client = client_for("catalogue", auth={"login_max_failures": 2})
    username = "x" * 5000 + " ;--'\"<>%00\\@example.org"  # odd, but valid text

    statuses = [
        sign_in(client, email=username, password="peu importe").status_code for _ in range(4)
    ]

    assert statuses == [401, 401, 429, 429]


def test_a_username_that_is_not_valid_text_is_refused_before_sign_in(
    client_for: ClientFactory,
) -> None:
    # Refused at the edge (services.common.valid_text), it never reaches the sign-in, so it is
    # not counted as a failure: such a name can never sign in, and it uses up nobody's attempts.
    client = client_for("catalogue", auth={"login_max_failures": 2})

    refused = [sign_in(client, email="agent\x00@example.org") for _ in range(3)]
    after = sign_in(client, email="agent@example.org", password="faux")

    for response in refused:
        problem = assert_problem(response, 422)
        assert problem["errors"] == [
            {"loc": ["body", "username"], "msg": problem["detail"], "type": "invalid_text"}
        ]
        assert "U+0000" in str(problem["detail"])
    assert after.status_code == 401


def test_password_sign_in_can_be_switched_off(
    databases: Databases, client_for: ClientFactory
) -> None:
    add_staff(databases.urls["accounts"], email="agent@example.org", roles=["moderator"])
    client = client_for("catalogue", auth={"password_sign_in": False})

    body = assert_problem(sign_in(client, email="agent@example.org"), 403)

    assert "fournisseur d'identité" in str(body["detail"])


def test_an_oidc_provider_without_issuer_or_audience_is_refused() -> None:
    with pytest.raises(ValueError, match="AUTH_OIDC_ISSUER and AUTH_OIDC_AUDIENCE"):
        AuthSettings(oidc_jwks_url="https://idp.example/jwks", oidc_issuer="https://idp.example")
