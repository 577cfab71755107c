"""Serves the built site with the production security headers (frontend/security-headers.json).

The browser tests run the pages under the same Content-Security-Policy as nginx and
`make up`, so an inline script or style that production would block fails a test here.
Usage: python static_server.py DIRECTORY PORT "API_ORIGIN API_ORIGIN ..."
"""

from __future__ import annotations

import functools
import json
import sys
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

HEADERS_FILE = Path(__file__).resolve().parents[2] / "frontend" / "security-headers.json"


def security_headers(api_origins: str) -> dict[str, str]:
    headers: dict[str, str] = json.loads(HEADERS_FILE.read_text(encoding="utf-8"))
    return {name: value.replace("{api_origins}", api_origins) for name, value in headers.items()}


class Handler(SimpleHTTPRequestHandler):
    extra_headers: ClassVar[dict[str, str]] = {}

    def end_headers(self) -> None:
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        super().end_headers()


def main() -> None:
    directory, port, api_origins = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    Handler.extra_headers = security_headers(api_origins)
    handler = functools.partial(Handler, directory=directory)
    ThreadingHTTPServer(("127.0.0.1", port), handler).serve_forever()


if __name__ == "__main__":
    main()
