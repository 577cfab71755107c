"""Formula neutralisation: the shared rule, and the survey's exports that apply it."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

from services.common.spreadsheets import neutralise
from tests.conftest import ClientFactory, Databases
from tests.helpers import private_link
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


def test_a_control_character_in_an_answer_does_not_break_the_xlsx_export(
    databases: Databases, client_for: ClientFactory, mailbox: Mailbox
) -> None:
    """Found by the contract fuzzing: openpyxl refuses such characters, the download failed."""
    survey = seeded_survey(databases, client_for)
    campaign = create_campaign(survey)
    invite(survey, campaign, f"{RENNES_METROPOLE};dsi@metropole.example")
    token = token_from_mail(mailbox, "dsi@metropole.example")
    answers = {"usage_ia": "oui", "commentaire": "Bip\x07 puis\x1b fin"}
    response = survey.client.patch(
        "/answering/answers", headers=private_link(token), json={"answers": answers, "author": "a"}
    )
    assert response.status_code == 200, response.text

    sheet = load_workbook(io.BytesIO(export(survey, campaign, "xlsx")))["reponses"]
    header = [cell.value for cell in sheet[1]]
    assert sheet[2][header.index("commentaire")].value == "Bip puis fin"


def export(survey: Survey, campaign: int, kind: str) -> bytes:
    response = survey.client.get(
        f"/campaigns/{campaign}/export", headers=survey.analyst, params={"format": kind}
    )
    assert response.status_code == 200, response.text
    return response.content
