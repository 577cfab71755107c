"""The observatory's results, in JSON and CSV, state their licence (Licence Ouverte 2.0)."""

from __future__ import annotations

import pytest

from services.common.licences import open_licence

from .support import Survey, create_campaign


@pytest.mark.parametrize("format", ["json", "csv"])
def test_results_state_their_licence(survey: Survey, format: str) -> None:
    campaign = create_campaign(survey)
    licence = open_licence()

    response = survey.client.get(f"/campaigns/{campaign}/results", params={"format": format})

    assert response.status_code == 200
    assert response.headers["link"] == f'<{licence.url}>; rel="license"'
    if format == "json":
        body = response.json()
        assert body["licence"] == "Licence Ouverte / Open Licence version 2.0"
        assert body["licence_version"] == "2.0"
        assert body["licence_url"] == licence.url
    else:
        assert response.headers["content-disposition"].startswith("attachment;")
