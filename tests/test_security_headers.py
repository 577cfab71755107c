"""The site's security headers are the same wherever it is served: nginx, `make up`, tests."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from httpx2 import Response
from pydantic import SecretStr, ValidationError

from services.common.settings import MetricsSettings
from tests.conftest import ClientFactory
from tests.helpers import assert_problem

ROOT = Path(__file__).resolve().parents[1]
HEADERS = json.loads((ROOT / "frontend" / "security-headers.json").read_text(encoding="utf-8"))
NGINX_API_ORIGINS = "${CATALOGUE_PUBLIC_URL} ${SURVEY_PUBLIC_URL} ${AUDITIONS_PUBLIC_URL}"


def _nginx_headers() -> dict[str, str]:
    config = (ROOT / "frontend" / "nginx.conf").read_text(encoding="utf-8")
    return dict(re.findall(r'^\s*add_header\s+(\S+)\s+"([^"]*)"\s+always;', config, re.M))


def test_nginx_sends_every_security_header_of_the_shared_list() -> None:
    nginx = _nginx_headers()
    for name, value in HEADERS.items():
        assert nginx.get(name) == value.replace("{api_origins}", NGINX_API_ORIGINS), name


def test_the_policy_allows_no_inline_script_or_style_and_no_framing() -> None:
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in HEADERS["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in HEADERS["Content-Security-Policy"]


# --- the APIs ----------------------------------------------------------------------------------

SERVICES = ("catalogue", "survey", "auditions")
SCRAPE_TOKEN = "jeton-de-collecte-" + "s" * 32
JSON_POLICY = "default-src 'none'; frame-ancestors 'none'"


def _assert_api_headers(response: Response) -> None:
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"] == JSON_POLICY
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-frame-options"] == "DENY"
    assert "strict-transport-security" not in response.headers  # only where HSTS is set


@pytest.mark.parametrize("service", SERVICES)
def test_every_api_answer_carries_the_security_headers(
    client_for: ClientFactory, service: str
) -> None:
    client = client_for(service)
    answers = [
        client.get("/health"),  # JSON
        client.get("/nowhere"),  # a 404 problem
        client.get("/territories", params={"q": "\x00"}),  # a 422 from the middleware
        client.get("/auth/me"),  # a 401
        client.get("/openapi.json"),
        client.get("/metrics"),
        client.get("/proof-of-work"),
        client.options(
            "/health",
            headers={"Origin": "http://localhost:8000", "Access-Control-Request-Method": "GET"},
        ),  # a CORS preflight, answered by the CORS middleware itself
    ]
    assert [answer.status_code for answer in answers][:4] == [200, 404, 422, 401]
    for answer in answers:
        _assert_api_headers(answer)


def test_hsts_is_sent_where_the_services_are_reached_over_https(
    client_for: ClientFactory,
) -> None:
    response = client_for("catalogue", hsts_seconds=31536000).get("/health")
    assert response.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"


@pytest.mark.parametrize("service", SERVICES)
def test_metrics_are_served_to_the_scrape_token_only(
    client_for: ClientFactory, service: str
) -> None:
    closed = client_for(service).get(
        "/metrics", headers={"Authorization": f"Bearer {SCRAPE_TOKEN}"}
    )
    assert_problem(closed, 404)  # no token configured: served to nobody
    client = client_for(service, metrics={"token": SCRAPE_TOKEN})
    assert_problem(client.get("/metrics"), 401)
    assert_problem(client.get("/metrics", headers={"Authorization": "Bearer " + "x" * 50}), 401)
    assert_problem(client.get("/metrics", headers={"Authorization": SCRAPE_TOKEN}), 401)
    scraped = client.get("/metrics", headers={"Authorization": f"Bearer {SCRAPE_TOKEN}"})
    assert scraped.status_code == 200
    assert "http_requests_total" in scraped.text


def test_a_short_scrape_token_is_refused_at_start() -> None:
    with pytest.raises(ValidationError):
        MetricsSettings(token=SecretStr("court"))


@pytest.mark.parametrize("service", SERVICES)
def test_docs_come_from_the_pinned_package_under_a_policy_that_allows_only_them(
    client_for: ClientFactory, service: str
) -> None:
    client = client_for(service)
    page = client.get("/docs")
    assert page.status_code == 200
    policy = page.headers["content-security-policy"]
    assert "script-src 'self';" in policy
    assert "unsafe" not in policy
    assert page.headers["x-content-type-options"] == "nosniff"
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources  # the stylesheet, the icon, the two scripts
    for source in sources:
        assert source.startswith("/docs/"), source  # nothing from another origin
        assert client.get(source).status_code == 200, source
    assert "<script>" not in page.text  # no inline script: the policy needs no unsafe-inline
    bundle = client.get("/docs/assets/swagger-ui-bundle.js")
    assert bundle.headers["content-type"].startswith("text/javascript")
    assert len(bundle.content) > 1_000_000
    assert client.get("/redoc").status_code == 404  # FastAPI's own page loads from a CDN


def test_nginx_sends_hsts_for_a_year_and_denies_powerful_features() -> None:
    nginx = _nginx_headers()
    hsts = dict(
        part.strip().partition("=")[::2] for part in nginx["Strict-Transport-Security"].split(";")
    )
    assert int(hsts["max-age"]) >= 31536000
    assert "includeSubDomains" in hsts
    features = nginx["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert f"{feature}=()" in features


def test_nginx_declares_its_headers_once_for_every_location() -> None:
    # An add_header inside a location would silently drop every server-level one there.
    config = (ROOT / "frontend" / "nginx.conf").read_text(encoding="utf-8")
    for block in re.findall(r"location[^{]*\{([^}]*)\}", config):
        assert "add_header" not in block
