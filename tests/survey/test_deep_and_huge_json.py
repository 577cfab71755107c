"""Deep and huge JSON (issue 17, class 5) in the survey service: an answer or a questionnaire
nesting beyond the limit, or beyond its bounds, gets a 422, and what was saved stays and
exports."""

from __future__ import annotations

import copy
import csv
import io
from typing import Any

import pytest

from services.common.json_limits import MAX_DEPTH
from services.survey.definition import MAX_ITEMS
from services.survey.questionnaires.observatoire_ia import DEFINITION
from tests.conftest import ClientFactory, Databases
from tests.helpers import assert_problem, private_link
from tests.mailbox import Mailbox
from tests.survey.support import (
    RENNES_METROPOLE,
    Survey,
    create_campaign,
    invite,
    light_survey,
    token_from_mail,
)

DEEP = "[" * 50_000 + "]" * 50_000


def answered(
    databases: Databases, client_for: ClientFactory, mailbox: Mailbox
) -> tuple[Survey, int, str]:
    survey = light_survey(databases, client_for)
    campaign = create_campaign(survey)
    invite(survey, campaign, f"{RENNES_METROPOLE};dsi@metropole.example")
    token = token_from_mail(mailbox, "dsi@metropole.example")
    saved = survey.client.patch(
        "/answering/answers",
        headers=private_link(token),
        json={"answers": {"usage_ia": "oui", "commentaire": "gardé"}, "author": "a"},
    )
    assert saved.status_code == 200, saved.text
    return survey, campaign, token


def exported_comment(survey: Survey, campaign: int) -> str:
    response = survey.client.get(
        f"/campaigns/{campaign}/export", headers=survey.analyst, params={"format": "csv"}
    )
    assert response.status_code == 200
    return next(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))["commentaire"]


def test_a_deeply_nested_answer_is_a_422_and_the_saved_answers_stay(
    databases: Databases, client_for: ClientFactory, mailbox: Mailbox
) -> None:
    survey, campaign, token = answered(databases, client_for, mailbox)
    body = '{"answers": {"commentaire": ' + DEEP + '}, "author": "a"}'

    response = survey.client.patch(
        "/answering/answers",
        content=body,
        headers={**private_link(token), "Content-Type": "application/json"},
    )

    problem = assert_problem(response, 422)
    assert problem["errors"][0]["type"] == "json_too_deep"  # type: ignore[index]
    assert exported_comment(survey, campaign) == "gardé"


def _definition(**changes: Any) -> dict[str, Any]:
    document = copy.deepcopy(DEFINITION)
    document.update(version="bornes", **changes)
    return document


@pytest.mark.parametrize(
    "document",
    [
        _definition(key="k" * 64),
        _definition(
            items=[{"kind": "note", "key": f"n{n}", "label": "N"} for n in range(MAX_ITEMS + 1)]
        ),
        _definition(choice_lists={f"liste_{n}": [] for n in range(MAX_ITEMS + 1)}),
        _definition(choice_lists={"l": [{"code": "c" * 41, "label": "x"}]}),
    ],
    ids=["long key", "too many items", "too many lists", "long code"],
)
def test_a_questionnaire_beyond_its_bounds_is_a_422(
    databases: Databases, client_for: ClientFactory, mailbox: Mailbox, document: dict[str, Any]
) -> None:
    survey, campaign, _ = answered(databases, client_for, mailbox)

    response = survey.client.post("/questionnaires", headers=survey.analyst, json=document)

    assert_problem(response, 422)
    assert exported_comment(survey, campaign) == "gardé"


def test_a_deeply_nested_questionnaire_is_a_422(
    databases: Databases, client_for: ClientFactory, mailbox: Mailbox
) -> None:
    survey, campaign, _ = answered(databases, client_for, mailbox)
    nested: dict[str, Any] = {"kind": "note", "key": "fin", "label": "Fin"}
    for depth in range(MAX_DEPTH):
        nested = {"kind": "section", "key": f"s{depth}", "label": "S", "items": [nested]}

    response = survey.client.post(
        "/questionnaires", headers=survey.analyst, json=_definition(items=[nested])
    )

    problem = assert_problem(response, 422)
    assert problem["errors"][0]["type"] == "json_too_deep"  # type: ignore[index]
    assert exported_comment(survey, campaign) == "gardé"
    xlsform = survey.client.get(
        f"/questionnaires/{survey.questionnaire_id}/xlsform", headers=survey.analyst
    )
    assert xlsform.status_code == 200
