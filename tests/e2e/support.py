"""What the browser tests share: the running stack's addresses and the axe-core check."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

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
    record_audit(page, result)
    return [v for v in violations if v.get("impact") in ("serious", "critical")]


def record_audit(page: Page, result: dict[str, Any]) -> None:
    """With AXE_RECORD_DIR set (`make accessibility`), keep what axe found on this page: the
    accessibility statement is generated from these records (tools/accessibility_audit.py)."""
    folder = os.environ.get("AXE_RECORD_DIR")
    if not folder:
        return
    path = urlsplit(page.url).path.rsplit("/", 1)[-1] or "index.html"
    record = {
        "page": path,
        "axe": result.get("testEngine", {}).get("version"),
        "rules_passed": len(result.get("passes", [])),
        "violations": [
            {"id": v["id"], "impact": v.get("impact"), "nodes": len(v.get("nodes", []))}
            for v in result["violations"]
        ],
    }
    Path(folder).mkdir(parents=True, exist_ok=True)
    name = f"{path}-{time.time_ns()}.json"
    (Path(folder) / name).write_text(json.dumps(record), encoding="utf-8")


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']} : {violation['help']}")
        for node in violation.get("nodes", [])[:5]:
            lines.append(f"    {node.get('target')} : {node.get('failureSummary', '')}")
    return "\n".join(lines)
