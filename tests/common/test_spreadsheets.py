"""Formula neutralisation: the shared rule, and the survey's exports that apply it."""

from __future__ import annotations

import copy
import csv
import io
import json
from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlmodel import Session, col, select

from services.common.database import create_db_engine
from services.common.spreadsheets import neutralise, printable, would_evaluate, xlsx_cell
from services.survey.exports import codebook_csv
from services.survey.models import Answer, Invitation
from services.survey.observatory import export as observatory_export
from services.survey.questionnaires.observatoire_ia import DEFINITION
from services.survey.questionnaires.store import parse
from tests.conftest import ClientFactory, Databases
from tests.helpers import assert_problem, private_link
from tests.mailbox import Mailbox
from tests.survey.support import (
    RENNES_METROPOLE,
    Survey,
    create_campaign,
    invite,
    light_survey,
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


# OWASP's CSV-injection payloads, and the forms they take behind what a spreadsheet skips or
# normalises (a control character, a space, an invisible character, a full-width sign).
PAYLOADS = [
    '=HYPERLINK("http://example.org/x";"voir")',
    '\x01=HYPERLINK("http://example.org/x";"voir")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    " =1+1",
    "\u00a0@SUM(A1:A9)",
    "\u200b=1+1",
    "\ufeff=1+1",
    '\uff1dHYPERLINK("http://example.org/x")',
    "\ufe66 1+1",
    "\uff0b1+1",
    "\uff0d1+1",
    "\uff20SUM(A1)",
    "\u2212 1+1",
    "\x1b\x07=1+1",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_owasp_payload_is_neutralised_after_normalising(payload: str) -> None:
    assert neutralise(payload) == "'" + payload
    # In an XLSX the control characters go first: what remains is still neutralised.
    assert xlsx_cell(payload) == "'" + printable(payload)
    assert not would_evaluate(xlsx_cell(payload))


@pytest.mark.parametrize(
    "text", ["a=b", "Tri + collecte", "x-1", "2 + 2 = 4", "\u00e9t\u00e9", " ", "\u200b"]
)
def test_text_that_starts_otherwise_passes(text: str) -> None:
    assert neutralise(text) == text


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_stored_payload_is_neutralised_in_every_export_of_the_responses(
    databases: Databases, client_for: ClientFactory, mailbox: Mailbox, payload: str
) -> None:
    """Written past the API (a control character is refused at the edge, as legacy data may
    hold it): the CSV and the XLSX show it as text, the JSON keeps it as it is."""
    survey = light_survey(databases, client_for)
    campaign = create_campaign(survey)
    invite(survey, campaign, f"{RENNES_METROPOLE};dsi@metropole.example")
    token = token_from_mail(mailbox, "dsi@metropole.example")
    saved = survey.client.patch(
        "/answering/answers",
        headers=private_link(token),
        json={"answers": {"usage_ia": "oui", "commentaire": "avant"}, "author": "a"},
    )
    assert saved.status_code == 200, saved.text
    _store_comment_directly(databases, campaign, payload)

    as_csv = export(survey, campaign, "csv").decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(as_csv, newline="")))
    sheet = load_workbook(io.BytesIO(export(survey, campaign, "xlsx")))["reponses"]
    header = [cell.value for cell in sheet[1]]
    cell = sheet[2][header.index("commentaire")]
    as_json = json.loads(export(survey, campaign, "json"))

    assert row["commentaire"] == "'" + payload
    assert cell.data_type == "s"
    assert cell.value.startswith("'")
    assert not would_evaluate(cell.value)
    assert as_json[0]["commentaire"] == payload


@pytest.mark.parametrize("payload", PAYLOADS)
def test_labels_holding_a_payload_are_neutralised_in_the_codebook_and_the_observatory(
    payload: str,
) -> None:
    """Labels come from a questionnaire (an XLSForm an analyst uploads)."""
    document = copy.deepcopy(DEFINITION)
    first_list = next(iter(document["choice_lists"].values()))
    first_list[0]["label"] = payload
    lines = list(csv.reader(io.StringIO(codebook_csv(parse(document)).decode("utf-8-sig"))))
    result = {
        "breakdown": "national",
        "domains": [{"key": "ensemble", "label": payload}],
        "questions": [{"key": "q", "label": payload, "answers": [], "cells": [_CELL]}],
    }
    observatory = list(
        csv.reader(io.StringIO(observatory_export.as_csv(result).lstrip("\ufeff")), delimiter=";")
    )

    assert ["'" + payload] in [[cell] for line in lines for cell in line]
    assert not any(would_evaluate(cell) for line in lines for cell in line)
    mean = dict(zip(observatory[0], observatory[1], strict=True))
    assert mean["question"] == "'" + payload
    assert not any(would_evaluate(cell) for line in observatory[1:] for cell in line[:3])


_CELL = {
    "domain": "ensemble",
    "code": None,
    "suppressed": False,
    "n": 40,
    "population": 900,
    "mean": -0.3,
    "mean_ci_low": -0.5,
    "mean_ci_high": -0.1,
    "median": -0.25,
    "total": -270.0,
    "total_ci_low": -450.0,
    "total_ci_high": -90.0,
    "reliable": True,
}
