"""Collect what a page's Content-Security-Policy blocked: the console's "Refused to …" lines
and the `securitypolicyviolation` events, the way a report-uri endpoint would receive them."""

from __future__ import annotations

from playwright.sync_api import Page

# Run in every document before its own scripts, through the DevTools protocol (which the
# policy does not govern); it reports to Python through a binding that outlives navigations.
_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__iatCspViolation(
    `${event.violatedDirective} a bloqué ${event.blockedURI || "(en ligne)"} ` +
    `dans ${event.sourceFile || document.location.href}:${event.lineNumber}`
  );
});
"""


def watch_violations(page: Page) -> list[str]:
    """The list that fills with every violation `page` reports from now on."""
    blocked: list[str] = []

    def report(text: str) -> None:
        blocked.append(text)

    page.expose_function("__iatCspViolation", report)
    page.add_init_script(_LISTENER)
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return blocked
