"""What the browser tests share: the running stack's addresses and the axe-core check."""

from __future__ import annotations

import time
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"
AXE_SCRIPT = FRONTEND / "node_modules" / "axe-core" / "axe.min.js"


@dataclass(frozen=True)
class Stack:
    """Addresses of the running stack and the demo admin's credentials."""

    front_url: str
    catalogue_url: str
    survey_url: str
    auditions_url: str
    admin_email: str
    admin_password: str
    mail_folder: Path

    def wait_for_mail(self, to: str, *, timeout: float = 15.0) -> EmailMessage:
        """The newest message the stack wrote for `to` into its mail folder."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            # Newest first by the time written: the services' prefixes do not sort by time.
            paths = self.mail_folder.glob("*.eml")
            for path in sorted(paths, key=lambda p: (p.stat().st_mtime_ns, p.name), reverse=True):
                message = message_from_bytes(path.read_bytes(), policy=policy.default)
                if to in str(message["To"]):
                    return message
            time.sleep(0.2)
        raise AssertionError(f"aucun courriel pour {to} dans {self.mail_folder}")

    def api(self, service: str) -> str:
        urls = {
            "catalogue": self.catalogue_url,
            "survey": self.survey_url,
            "auditions": self.auditions_url,
        }
        return urls[service]


def run_axe(page: Page) -> list[dict[str, Any]]:
    """Runs axe-core on the page; returns its serious and critical violations.

    axe is evaluated through the DevTools protocol rather than added as a <script>: the pages
    run under the production Content-Security-Policy, which rightly refuses inline scripts.
    """
    page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    result: dict[str, Any] = page.evaluate(
        "async () => await axe.run(document, { resultTypes: ['violations'] })"
    )
    violations: list[dict[str, Any]] = result["violations"]
    return [v for v in violations if v.get("impact") in ("serious", "critical")]


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']} : {violation['help']}")
        for node in violation.get("nodes", [])[:5]:
            lines.append(f"    {node.get('target')} : {node.get('failureSummary', '')}")
    return "\n".join(lines)
