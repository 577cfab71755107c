"""Small helpers of the hearings service's tests."""

from __future__ import annotations

from fastapi.testclient import TestClient


def editing(client: TestClient, headers: dict[str, str], url: str) -> dict[str, str]:
    """`headers` with the If-Match of the resource at `url` as just read (its ETag)."""
    read = client.get(url, headers=headers)
    assert read.status_code == 200, read.text
    return {**headers, "If-Match": read.headers["ETag"]}
