"""`make up` serves the site (vite preview) with the production security headers."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import httpx

from .conftest import _free_port, _stop, _wait_until_up
from .support import FRONTEND, Stack

HEADERS = json.loads((FRONTEND / "security-headers.json").read_text(encoding="utf-8"))


def test_vite_preview_sends_the_security_headers(stack: Stack, tmp_path: Path) -> None:
    # `stack` made sure the site is built; preview serves frontend/dist as `make up` does.
    # vite itself, not through npx: stopping npx would leave its vite child running.
    vite = FRONTEND / "node_modules" / ".bin" / "vite"
    port = _free_port()
    log = tmp_path / "preview.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(vite), "preview", "--host", "127.0.0.1", "--port", str(port), "--strictPort"],
            cwd=FRONTEND,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_up(f"http://127.0.0.1:{port}/index.html", process, log)
            response = httpx.get(f"http://127.0.0.1:{port}/catalogue.html")
        finally:
            _stop(process)

    config = json.loads((FRONTEND / "public" / "config.json").read_text(encoding="utf-8"))
    for name, value in HEADERS.items():
        expected = value.replace("{api_origins}", " ".join(config.values()))
        assert response.headers[name] == expected, name
