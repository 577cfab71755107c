"""The site's security headers are the same wherever it is served: nginx, `make up`, tests."""

from __future__ import annotations

import json
import re
from pathlib import Path

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
