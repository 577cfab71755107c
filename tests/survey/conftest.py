"""Light fixtures of the survey's tests: each test creates only what it reads.

`survey` is the service with the default questionnaire and a signed-in analyst, nothing else;
campaigns, invitations and answers are made by the test itself (`support.create_campaign`,
`support.invite`, the answering API). Only a test about the demo (`@pytest.mark.demo`) gets
the whole demo seeded: its campaigns and its thousands of generated responses.
"""

from __future__ import annotations

import pytest

from tests.conftest import ClientFactory, Databases

from .support import Survey, light_survey, seeded_survey


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "demo: the test reads the seeded demo (survey)")


@pytest.fixture
def survey(
    request: pytest.FixtureRequest, databases: Databases, client_for: ClientFactory
) -> Survey:
    if request.node.get_closest_marker("demo") is not None:
        return seeded_survey(databases, client_for)
    return light_survey(databases, client_for)
