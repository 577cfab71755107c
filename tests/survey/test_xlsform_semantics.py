"""An imported XLSForm means on the server what it meant in ODK: numeric choice codes compare as
numbers (`${satisf} <= 2`), and a `calculate` row is computed, stored at submission, exported
and written back to the XLSForm."""

from __future__ import annotations

import csv
import dataclasses
import io

import pytest
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]

from services.survey.questionnaires.xlsform import read_xlsform
from tests.helpers import assert_problem, private_link
from tests.mailbox import Mailbox

from .support import RENNES, Survey, create_campaign, invite, token_from_mail

SURVEY_ROWS = [
    ["type", "name", "label", "relevant", "calculation"],
    ["select_one satisf", "satisf", "Êtes-vous satisfait de l'outil ?", "", ""],
    ["text", "pourquoi", "Qu'est-ce qui ne va pas ?", "${satisf} <= 2", ""],
    ["integer", "agents", "Combien d'agents l'utilisent ?", "", ""],
    ["integer", "projets", "Combien de projets ?", "", ""],
    ["calculate", "ratio", "Projets par agent", "", "round(${projets} div ${agents}, 2)"],
    ["text", "detail", "Décrivez ces projets", "${ratio} > 0.5", ""],
]
CHOICES = [
    ["list_name", "name", "label"],
    *[
        ["satisf", str(code), label]
        for code, label in enumerate(
            ["Pas du tout", "Plutôt pas", "Moyennement", "Plutôt", "Tout à fait"], start=1
        )
    ],
]


def workbook_bytes() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "survey"
    for row in SURVEY_ROWS:
        sheet.append(row)
    choices = workbook.create_sheet("choices")
    for row in CHOICES:
        choices.append(row)
    settings = workbook.create_sheet("settings")
    settings.append(["form_title", "form_id", "version"])
    settings.append(["Satisfaction", "satisfaction", "1"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def imported(survey: Survey) -> Survey:
    """The survey service with the XLSForm imported and published as its questionnaire."""
    response = survey.client.post(
        "/questionnaires/xlsform",
        headers=survey.analyst,
        files={"file": ("satisfaction.xlsx", workbook_bytes())},
    )
    assert response.status_code == 201, response.text
    questionnaire = response.json()["id"]
    published = survey.client.post(
        f"/questionnaires/{questionnaire}/publish", headers=survey.analyst
    )
    assert published.status_code == 200, published.text
    return dataclasses.replace(survey, questionnaire_id=questionnaire)


@pytest.fixture
def token(imported: Survey, mailbox: Mailbox) -> str:
    campaign = create_campaign(imported)
    invite(imported, campaign, f"code;courriel\n{RENNES};dgs@rennes.example\n")
    return token_from_mail(mailbox, "dgs@rennes.example")


def save(survey: Survey, token: str, answers: dict[str, object]):  # type: ignore[no-untyped-def]
    return survey.client.patch(
        "/answering/answers", headers=private_link(token), json={"answers": answers}
    )


def stored(survey: Survey, token: str) -> dict[str, object]:
    answers = survey.client.get("/answering", headers=private_link(token)).json()["answers"]
    return {key: entry["value"] for key, entry in answers.items()}


def test_the_condition_is_imported_as_a_numeric_comparison(imported: Survey) -> None:
    definition = imported.client.get(
        f"/questionnaires/{imported.questionnaire_id}", headers=imported.analyst
    ).json()["definition"]
    items = {item["key"]: item for item in definition["items"]}
    assert items["pourquoi"]["relevant"] == {"op": "lte", "args": [{"var": "satisf"}, 2]}
    assert items["ratio"] == {
        "kind": "calculate",
        "key": "ratio",
        "label": "Projets par agent",
        "calculation": {
            "op": "round",
            "args": [{"op": "div", "args": [{"var": "projets"}, {"var": "agents"}]}, 2],
        },
    }


def test_a_low_numeric_code_shows_the_conditional_question(imported: Survey, token: str) -> None:
    response = save(imported, token, {"satisf": "1", "pourquoi": "Trop lent"})

    assert response.status_code == 200, response.text
    assert response.json()["discarded"] == []
    assert stored(imported, token) == {"satisf": "1", "pourquoi": "Trop lent"}


def test_a_high_numeric_code_hides_it(imported: Survey, token: str) -> None:
    response = save(imported, token, {"satisf": "4", "pourquoi": "Rien"})

    assert response.status_code == 200, response.text
    assert response.json()["discarded"] == ["pourquoi"]
    assert stored(imported, token) == {"satisf": "4"}


def test_a_calculated_value_cannot_be_typed_in(imported: Survey, token: str) -> None:
    response = save(imported, token, {"ratio": 3, "agents": 4})

    body = assert_problem(response, 422)
    assert [(e["key"], e["type"]) for e in body["errors"]] == [("ratio", "calculated")]  # type: ignore[attr-defined]
    assert stored(imported, token) == {"agents": 4}


def test_a_calculation_drives_a_later_condition_and_is_stored_and_exported(
    imported: Survey, token: str
) -> None:
    # 3 projects for 4 agents: 0.75 > 0.5, the description is asked for.
    response = save(imported, token, {"satisf": "2", "agents": 4, "projets": 3, "detail": "OCR"})
    assert response.status_code == 200, response.text
    assert response.json()["discarded"] == []
    # No longer dissatisfied: the answer to "pourquoi" no longer counts.
    save(imported, token, {"satisf": "5"})

    submitted = imported.client.post("/answering/submit", headers=private_link(token))

    assert submitted.status_code == 200, submitted.text
    answers = imported.client.get("/answering", headers=private_link(token)).json()["answers"]
    assert answers["ratio"]["value"] == 0.75
    assert answers["ratio"]["author"] == "calcul"
    campaign = imported.client.get("/campaigns", headers=imported.analyst).json()["items"][0]
    export = imported.client.get(
        f"/campaigns/{campaign['id']}/export", headers=imported.analyst, params={"format": "csv"}
    )
    row = next(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert (row["satisf"], row["ratio"], row["detail"]) == ("5", "0.75", "OCR")
    as_json = imported.client.get(
        f"/campaigns/{campaign['id']}/export", headers=imported.analyst, params={"format": "json"}
    ).json()
    assert as_json[0]["ratio"] == 0.75
    codebook = imported.client.get(
        f"/campaigns/{campaign['id']}/export",
        headers=imported.analyst,
        params={"format": "codebook"},
    ).text
    assert "Projets par agent" in codebook


def test_fewer_projects_than_half_the_agents_skip_the_description(
    imported: Survey, token: str
) -> None:
    response = save(imported, token, {"agents": 10, "projets": 3, "detail": "OCR"})

    assert response.status_code == 200, response.text
    assert response.json()["discarded"] == ["detail"]


def test_the_calculate_row_is_written_back_to_the_xlsform(imported: Survey) -> None:
    response = imported.client.get(
        f"/questionnaires/{imported.questionnaire_id}/xlsform", headers=imported.analyst
    )
    assert response.status_code == 200

    sheet = load_workbook(io.BytesIO(response.content), read_only=True)["survey"]
    rows = list(sheet.iter_rows(values_only=True))
    header = [str(cell) for cell in rows[0]]
    by_name = {row[header.index("name")]: row for row in rows[1:]}
    ratio = by_name["ratio"]
    assert ratio[header.index("type")] == "calculate"
    assert ratio[header.index("calculation")] == "round(${projets} div ${agents}, 2)"
    assert by_name["pourquoi"][header.index("relevant")] == "${satisf} <= 2"
    again = read_xlsform(response.content)
    original = read_xlsform(workbook_bytes())
    assert again.model_dump()["items"] == original.model_dump()["items"]
