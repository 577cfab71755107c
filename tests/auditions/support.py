"""Small helpers of the hearings service's tests."""

from __future__ import annotations


def link_headers(token: str) -> dict[str, str]:
    """How a page presents an availability link: its own scheme, never in the body."""
    return {"Authorization": f"PrivateLink {token}"}
