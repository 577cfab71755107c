"""Tokens of an OpenID Connect provider, verified through its JWKS served over real HTTP."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient
from httpx2 import Response
from jwt.algorithms import RSAAlgorithm

from tests.catalogue.support import COMPLETE
from tests.conftest import ClientFactory, Databases
from tests.helpers import add_staff, assert_problem, bearer

ISSUER = "https://idp.example"
AUDIENCE = "iat"
KID = "clef-2026"
TITLE = "Assistant de rédaction des délibérations"
# A one-fiche JSON file for the staff import (a moderator-or-`catalogue:write` operation).
IMPORT_FILE = json.dumps([{**COMPLETE, "title": TITLE}]).encode()


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def provider_key() -> rsa.RSAPrivateKey:
    return _new_key()


@pytest.fixture
def jwks_requests() -> list[str]:
    """The paths the provider's key server was asked for."""
    return []


@pytest.fixture
def jwks_url(provider_key: rsa.RSAPrivateKey, jwks_requests: list[str]) -> Iterator[str]:
    """A real HTTP server on the loopback publishing the provider's public key."""
    jwk: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(provider_key.public_key()))
    document = json.dumps({"keys": [{**jwk, "kid": KID, "use": "sig", "alg": "RS256"}]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            jwks_requests.append(self.path)
            if self.path != "/jwks.json":
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(document)))
            self.end_headers()
            self.wfile.write(document)

        def log_message(self, format: str, *args: Any) -> None:
            """Keep the test output quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/jwks.json"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def start(client_for: ClientFactory, jwks_url: str) -> Callable[[], TestClient]:
    """Starts the catalogue trusting the provider (inside the test, so logs are captured)."""

    def started() -> TestClient:
        return client_for(
            "catalogue",
            auth={
                "oidc_jwks_url": jwks_url,
                "oidc_issuer": ISSUER,
                "oidc_audience": AUDIENCE,
                "oidc_roles_claim": "realm_access.roles",
            },
        )

    return started


def _claims(*, roles: list[str], **overrides: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "f1c2-agent-42",
        "email": "agent@nantesmetropole.example",
        "name": "Camille Agent",
        "iat": now,
        "exp": now + timedelta(minutes=5),
        "realm_access": {"roles": roles},
        **overrides,
    }


def _sign(key: rsa.RSAPrivateKey, claims: dict[str, Any], *, kid: str = KID) -> dict[str, str]:
    token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})
    return {"Authorization": f"Bearer {token}"}


def _import(client: TestClient, headers: dict[str, str]) -> Response:
    """Staff import of one complete fiche (published at once when admitted)."""
    return client.post(
        "/imports/use-cases",
        headers=headers,
        files={"file": ("fiches.json", IMPORT_FILE, "application/json")},
    )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_a_provider_token_identifies_the_agent_with_known_roles_only(
    start: Callable[[], TestClient], provider_key: rsa.RSAPrivateKey
) -> None:
    client = start()
    headers = _sign(provider_key, _claims(roles=["moderator", "offline_access", "superviseur"]))

    response = client.get("/auth/me", headers=headers)

    assert response.status_code == 200, response.text
    assert response.json() == {
        "subject": "oidc:f1c2-agent-42",
        "kind": "oidc",
        "email": "agent@nantesmetropole.example",
        "name": "Camille Agent",
        "roles": ["moderator"],
        "scopes": [],
    }


def test_a_provider_moderator_adds_a_use_case(
    start: Callable[[], TestClient], provider_key: rsa.RSAPrivateKey
) -> None:
    client = start()
    headers = _sign(provider_key, _claims(roles=["moderator"]))

    response = _import(client, headers)

    assert response.status_code == 200, response.text
    assert response.json() == {"rows": 1, "imported": 1, "rejected": []}
    listing = client.get("/use-cases").json()
    assert [item["title"] for item in listing["items"]] == [TITLE]
    assert client.get("/moderation/use-cases", headers=headers).status_code == 200


@pytest.mark.parametrize("roles", [["analyst"], ["offline_access", "moderateur"], []])
def test_a_provider_token_without_the_moderator_role_cannot_add(
    start: Callable[[], TestClient], provider_key: rsa.RSAPrivateKey, roles: list[str]
) -> None:
    client = start()
    headers = _sign(provider_key, _claims(roles=roles))

    assert client.get("/auth/me", headers=headers).status_code == 200
    assert_problem(_import(client, headers), 403)
    assert_problem(client.get("/moderation/use-cases", headers=headers), 403)
    assert client.get("/use-cases").json()["total"] == 0


@pytest.mark.parametrize(
    "overrides",
    [
        {"aud": "une-autre-application"},
        {"exp": datetime.now(UTC) - timedelta(minutes=1)},
        {"iss": "https://un-autre-fournisseur.example"},
    ],
    ids=["wrong-audience", "expired", "other-issuer"],
)
def test_an_invalid_provider_token_is_a_401(
    start: Callable[[], TestClient], provider_key: rsa.RSAPrivateKey, overrides: dict[str, Any]
) -> None:
    client = start()
    headers = _sign(provider_key, _claims(roles=["moderator"], **overrides))

    assert_problem(client.get("/auth/me", headers=headers), 401)
    assert_problem(_import(client, headers), 401)


def test_a_token_signed_by_another_key_with_the_same_kid_is_a_401(
    start: Callable[[], TestClient],
) -> None:
    client = start()
    headers = _sign(_new_key(), _claims(roles=["admin"]))

    assert_problem(client.get("/auth/me", headers=headers), 401)
    assert_problem(_import(client, headers), 401)


def test_a_token_with_an_unknown_kid_is_a_401(
    start: Callable[[], TestClient], provider_key: rsa.RSAPrivateKey
) -> None:
    client = start()
    headers = _sign(provider_key, _claims(roles=["admin"]), kid="clef-inconnue")

    assert_problem(client.get("/auth/me", headers=headers), 401)


def test_unknown_kids_do_not_make_the_service_hammer_the_provider(
    start: Callable[[], TestClient], provider_key: rsa.RSAPrivateKey, jwks_requests: list[str]
) -> None:
    client = start()
    for attempt in range(20):
        headers = _sign(provider_key, _claims(roles=["admin"]), kid=f"inconnue-{attempt}")
        assert_problem(client.get("/auth/me", headers=headers), 401)
    # The first fetch, then at most one refresh per interval, however many unknown kids.
    assert len(jwks_requests) <= 2

    valid = _sign(provider_key, _claims(roles=["admin"]))
    assert client.get("/auth/me", headers=valid).status_code == 200


def test_the_public_key_used_as_an_hmac_secret_is_a_401(
    start: Callable[[], TestClient], provider_key: rsa.RSAPrivateKey
) -> None:
    """The algorithm-confusion attack: HS256 "signed" with the published public key."""
    client = start()
    public_pem = provider_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    claims = _claims(roles=["admin"])
    claims.update(iat=int(claims["iat"].timestamp()), exp=int(claims["exp"].timestamp()))
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": KID}).encode())
    payload = _b64(json.dumps(claims).encode())
    signature = hmac.new(public_pem, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    token = f"{header}.{payload}.{_b64(signature)}"

    assert_problem(client.get("/auth/me", headers={"Authorization": f"Bearer {token}"}), 401)


def test_staff_tokens_still_work_next_to_the_provider(
    start: Callable[[], TestClient], databases: Databases
) -> None:
    client = start()
    add_staff(databases.urls["accounts"], email="lea@example.org", roles=["moderator"])

    me = client.get("/auth/me", headers=bearer(client, email="lea@example.org"))

    assert me.status_code == 200
    assert me.json()["kind"] == "staff"


def test_an_unreachable_provider_is_a_503_not_a_401(
    client_for: ClientFactory, provider_key: rsa.RSAPrivateKey
) -> None:
    # A port nothing listens on: the provider's keys cannot be fetched.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    client = client_for(
        "catalogue",
        auth={
            "oidc_jwks_url": f"http://127.0.0.1:{closed_port}/jwks.json",
            "oidc_issuer": ISSUER,
            "oidc_audience": AUDIENCE,
        },
    )

    response = client.get("/auth/me", headers=_sign(provider_key, _claims(roles=["moderator"])))

    body = assert_problem(response, 503)
    assert "fournisseur d'identité" in str(body["detail"])
