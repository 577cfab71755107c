"""Generated requests as an organiser: the protected operations get past the role check too.

The shared fuzz test signs in as a moderator, who gets 403 on the organisers' operations;
this one sends the same kind of generated input with the organiser role.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from fastapi.testclient import TestClient

from tests.test_api_fuzz import fuzz


def test_no_generated_organiser_request_gets_a_server_error(
    client: TestClient, organiser: dict[str, str]
) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    for result in schema.get_all_operations():
        operation: Any = result.ok()  # type: ignore[union-attr]
        if not operation.path.startswith("/auth"):
            fuzz(operation, headers=organiser)
