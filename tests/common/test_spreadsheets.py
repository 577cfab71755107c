"""Formula neutralisation: the shared rule, and the survey's exports that apply it."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlmodel import Session, col, select

from services.common.database import create_db_engine
from services.common.spreadsheets import neutralise
from services.survey.models import Answer, Invitation
from tests.conftest import ClientFactory, Databases
from tests.helpers import assert_problem, private_link
from tests.mailbox import Mailbox
from tests.survey.support import (
    RENNES_METROPOLE,
    Survey,
    create_campaign,
    invite,
    seeded_survey,
    token_from_mail,
)


@pytest.mark.parametrize(
    "text", ["=1+1", "+33 1 23", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "\uff1d1+1", "\uff20A1"]
)
def test_text_a_spreadsheet_would_evaluate_gets_an_apostrophe(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize(
    "value", ["Tri des déchets", "a=b", "", None, -3, 2.5, True, date(2026, 7, 1)]
)
def test_other_values_pass_unchanged(value: object) -> None:
    assert neutralise(value) == value


COMMENT = '=HYPERLINK("http://example.org/x";"voir")'


def test_every_survey_export_neutralises_formulas(
    databases: Databases, client_for: ClientFactory, mailbox: Mailbox
) -> None:
    survey = seeded_survey(databases, client_for)
    campaign = create_campaign(survey)
    invite(survey, campaign, f"{RENNES_METROPOLE};dsi@metropole.example")
    token = token_from_mail(mailbox, "dsi@metropole.example")
    response = survey.client.patch(
        "/answering/answers",
        headers=private_link(token),
        json={"answers": {"usage_ia": "oui", "commentaire": COMMENT}, "author": "a"},
    )
    assert response.status_code == 200, response.text

    as_csv = export(survey, campaign, "csv").decode("utf-8-sig")
    assert next(csv.DictReader(io.StringIO(as_csv)))["commentaire"] == "'" + COMMENT

    sheet = load_workbook(io.BytesIO(export(survey, campaign, "xlsx")))["reponses"]
    header = [cell.value for cell in sheet[1]]
    cell = sheet[2][header.index("commentaire")]
    assert (cell.value, cell.data_type) == ("'" + COMMENT, "s")

    codebook = export(survey, campaign, "codebook").decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(codebook)))
    assert lines[0][0] == "colonne"
    assert not any(cell.startswith(("=", "+", "-", "@")) for line in lines for cell in line)


def test_a_control_character_in_an_answer_is_refused_and_a_stored_one_still_exports(
    databases: Databases, client_for: ClientFactory, mailbox: Mailbox
) -> None:
    """Found by the contract fuzzing: openpyxl refuses such characters, the download failed.
    Such text is now refused at the edge; one stored before (legacy data) must still export."""
    survey = seeded_survey(databases, client_for)
    campaign = create_campaign(survey)
    invite(survey, campaign, f"{RENNES_METROPOLE};dsi@metropole.example")
    token = token_from_mail(mailbox, "dsi@metropole.example")
    answers = {"usage_ia": "oui", "commentaire": "Bip\x07 puis\x1b fin"}

    refused = survey.client.patch(
        "/answering/answers", headers=private_link(token), json={"answers": answers, "author": "a"}
    )
    assert _stored_comment(databases, campaign) is None  # nothing saved
    saved = survey.client.patch(
        "/answering/answers",
        headers=private_link(token),
        json={"answers": {"usage_ia": "oui", "commentaire": "Bip puis fin"}, "author": "a"},
    )
    _store_comment_directly(databases, campaign, "Bip\x07 puis\x1b fin")
    sheet = load_workbook(io.BytesIO(export(survey, campaign, "xlsx")))["reponses"]

    problem = assert_problem(refused, 422)
    assert problem["errors"][0]["loc"] == ["body", "answers", "commentaire"]  # type: ignore[index]
    assert saved.status_code == 200, saved.text
    header = [cell.value for cell in sheet[1]]
    assert sheet[2][header.index("commentaire")].value == "Bip puis fin"


def _comment_of(campaign: int) -> Any:
    return (
        select(Answer)
        .join(Invitation, col(Invitation.id) == col(Answer.invitation_id))
        .where(Invitation.campaign_id == campaign, Answer.key == "commentaire")
    )


def _stored_comment(databases: Databases, campaign: int) -> object:
    engine = create_db_engine(databases.urls["survey"], pool_size=1)
    try:
        with Session(engine) as session:
            row = session.exec(_comment_of(campaign)).first()
            return None if row is None else row.value
    finally:
        engine.dispose()


def _store_comment_directly(databases: Databases, campaign: int, value: str) -> None:
    """As legacy data would be: written in the database, past the API's checks."""
    engine = create_db_engine(databases.urls["survey"], pool_size=1)
    try:
        with Session(engine) as session:
            row = session.exec(_comment_of(campaign)).one()
            row.value = value
            session.add(row)
            session.commit()
    finally:
        engine.dispose()


def export(survey: Survey, campaign: int, kind: str) -> bytes:
    response = survey.client.get(
        f"/campaigns/{campaign}/export", headers=survey.analyst, params={"format": kind}
    )
    assert response.status_code == 200, response.text
    return response.content
