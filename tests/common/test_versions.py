"""The shared If-Match dependency: every staff edit names the version it was based on."""

from __future__ import annotations

import pytest
from fastapi import FastAPI, Response
from fastapi.testclient import TestClient

from services.common.errors import install_error_handlers
from services.common.openapi import install_problem_documentation
from services.common.versions import RequiredVersion, set_etag
from tests.helpers import assert_problem

CURRENT = 3


@pytest.fixture
def client() -> TestClient:
    app = FastAPI()
    install_error_handlers(app)
    install_problem_documentation(app)

    @app.put("/things/1")
    def edit(expected: RequiredVersion, response: Response) -> dict[str, int]:
        expected.check(CURRENT, what="La chose")
        set_etag(response, CURRENT + 1)
        return {"version": CURRENT + 1}

    return TestClient(app)


@pytest.mark.parametrize("tag", ['"3"', 'W/"3"', '"2", "3"', "*", "3"])
def test_an_edit_based_on_the_current_version_passes(client: TestClient, tag: str) -> None:
    response = client.put("/things/1", headers={"If-Match": tag})

    assert response.status_code == 200
    assert response.headers["ETag"] == '"4"'


@pytest.mark.parametrize("headers", [{}, {"If-Match": ""}, {"If-Match": "  "}])
def test_an_edit_without_if_match_is_refused_with_428(
    client: TestClient, headers: dict[str, str]
) -> None:
    body = assert_problem(client.put("/things/1", headers=headers), 428)

    assert "If-Match" in str(body["detail"])


def test_a_stale_edit_is_refused_with_412_and_the_current_version(client: TestClient) -> None:
    body = assert_problem(client.put("/things/1", headers={"If-Match": '"2"'}), 412)

    assert body["current_version"] == CURRENT
    assert str(body["detail"]).startswith("La chose a été modifiée")


def test_the_document_names_both_answers(client: TestClient) -> None:
    responses = client.get("/openapi.json").json()["paths"]["/things/1"]["put"]["responses"]

    assert {"412", "428"} <= set(responses)
