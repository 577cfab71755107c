"""Questionnaires: the JSON Schema, drafts and immutable published versions, XLSForm in and out."""

from __future__ import annotations

import copy
import io

from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]

from services.survey.definition import Definition
from services.survey.questionnaires.observatoire_ia import DEFINITION
from services.survey.questionnaires.xlsform import read_xlsform
from services.survey.questionnaires.xlsform_export import write_xlsform
from tests.helpers import assert_problem

from .support import Survey


def xlsx(survey_rows: list[list[str]], choices: list[list[str]] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "survey"
    for row in survey_rows:
        sheet.append(row)
    if choices:
        sheet = workbook.create_sheet("choices")
        for row in choices:
            sheet.append(row)
    settings = workbook.create_sheet("settings")
    settings.append(["form_title", "form_id", "version"])
    settings.append(["Enquête Kobo", "enquete_kobo", "2026010101"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_default_questionnaire_has_three_axes_and_50_questions() -> None:
    definition = Definition.model_validate(DEFINITION)
    sections = [item.label for item in definition.items if item.kind == "section"]

    assert any("politiques publiques" in label for label in sections)
    assert any("vie publique" in label for label in sections)
    assert any("fonction publique territoriale" in label for label in sections)
    from services.survey.definition import flatten

    questions = [flat for flat in flatten(definition) if flat.question is not None]
    assert 40 <= len(questions) <= 60


def test_the_schema_is_served_and_the_integrator_reads_a_definition(survey: Survey) -> None:
    schema = survey.client.get("/questionnaires/schema").json()
    listed = survey.client.get("/questionnaires").json()["items"]
    one = survey.client.get(f"/questionnaires/{listed[0]['id']}").json()

    assert schema["title"] == "Définition de questionnaire"
    assert "items" in schema["properties"]
    assert one["definition"]["key"] == "observatoire_ia"
    assert one["status"] == "published"


def test_the_served_schema_validates_definitions_and_their_expressions(survey: Survey) -> None:
    # jsonschema_rs comes with schemathesis (dev dependencies).
    import jsonschema_rs

    validator = jsonschema_rs.validator_for(survey.client.get("/questionnaires/schema").json())
    broken = copy.deepcopy(DEFINITION)
    broken["items"][0]["items"][1]["relevant"] = {"op": "xor", "args": []}

    assert validator.is_valid(DEFINITION)
    assert not validator.is_valid(broken)


def test_a_draft_is_published_then_immutable(survey: Survey) -> None:
    document = copy.deepcopy(DEFINITION)
    document["version"] = "2027.1"
    created = survey.client.post("/questionnaires", headers=survey.analyst, json=document)
    assert created.status_code == 201, created.text
    draft = created.json()["id"]

    assert_problem(survey.client.get(f"/questionnaires/{draft}"), 404)  # hidden from the public
    assert_problem(
        survey.client.post("/questionnaires", headers=survey.analyst, json=document), 409
    )
    published = survey.client.post(f"/questionnaires/{draft}/publish", headers=survey.analyst)
    assert published.json()["status"] == "published"
    assert_problem(
        survey.client.post(f"/questionnaires/{draft}/publish", headers=survey.analyst), 409
    )
    assert survey.client.get(f"/questionnaires/{draft}").status_code == 200


def test_a_definition_with_a_dangling_condition_is_refused(survey: Survey) -> None:
    document = copy.deepcopy(DEFINITION)
    document["version"] = "cassé"
    document["items"][0]["items"][0]["relevant"] = {"op": "eq", "args": [{"var": "inconnue"}, "1"]}

    body = assert_problem(
        survey.client.post("/questionnaires", headers=survey.analyst, json=document), 422
    )
    assert "inconnue" in str(body["errors"])


def test_the_default_questionnaire_goes_to_xlsform_and_back() -> None:
    definition = Definition.model_validate(DEFINITION)
    back = read_xlsform(write_xlsform(definition))

    # Keys and codes come back as they were: "autre" no longer becomes ODK's "other".
    assert [flat.key for flat in _flats(back)] == [flat.key for flat in _flats(definition)]
    assert back.choice_lists == definition.choice_lists
    role = next(flat for flat in _flats(back) if flat.key == "role_repondant")
    assert role.question.other.code == "autre"
    matrix = next(flat for flat in _flats(back) if flat.key == "maturite_domaines")
    assert matrix.type == "matrix"
    epci = next(flat for flat in _flats(back) if flat.key == "competence_numerique")
    assert epci.relevant == [{"op": "eq", "args": [{"org": "kind"}, "epci"]}]


def test_a_label_that_looks_like_a_formula_stays_text_in_the_xlsform() -> None:
    hostile = '=HYPERLINK("https://example.org","Cliquez")'
    raw = copy.deepcopy(DEFINITION)
    raw["items"][0]["items"][0]["label"] = hostile
    data = write_xlsform(Definition.model_validate(raw))

    sheet = load_workbook(io.BytesIO(data))["survey"]
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == hostile]
    assert cells, "the label is written"
    assert all(cell.data_type == "s" for cell in cells)  # text, never a formula
    back = read_xlsform(data)
    assert _flats(back)[0].label == hostile


def test_a_label_with_a_control_character_still_downloads_as_xlsform() -> None:
    raw = copy.deepcopy(DEFINITION)
    raw["items"][0]["items"][0]["label"] = "Votre fonction\x01 ?"
    back = read_xlsform(write_xlsform(Definition.model_validate(raw)))
    assert _flats(back)[0].label == "Votre fonction ?"


def _flats(definition: Definition):  # type: ignore[no-untyped-def]
    from services.survey.definition import flatten

    return flatten(definition)


def test_a_kobo_form_is_imported(survey: Survey) -> None:
    data = xlsx(
        [
            ["type", "name", "label::French (fr)", "required", "relevant", "constraint"],
            ["start", "start", "", "", "", ""],
            ["select_one oui_non", "usage", "Utilisez-vous l'IA ?", "yes", "", ""],
            [
                "select_multiple outils or_other",
                "outils",
                "Quels outils ?",
                "",
                "${usage} = 'oui'",
                "count-selected(.) <= 2",
            ],
            [
                "integer",
                "agents",
                "Combien d'agents ?",
                "",
                "selected(${outils}, 'chat')",
                ". >= 0 and . < 100000",
            ],
        ],
        [
            ["list_name", "name", "label"],
            ["oui_non", "oui", "Oui"],
            ["oui_non", "non", "Non"],
            ["outils", "chat", "Chat"],
            ["outils", "none", "Aucun"],
        ],
    )
    response = survey.client.post(
        "/questionnaires/xlsform", headers=survey.analyst, files={"file": ("kobo.xlsx", data)}
    )

    assert response.status_code == 201, response.text
    definition = response.json()["definition"]
    assert definition["key"] == "enquete_kobo"
    outils = definition["items"][1]
    assert outils["relevant"] == {"op": "eq", "args": [{"var": "usage"}, "oui"]}
    assert outils["constraint"] == {"op": "count_lte", "args": [{"var": "outils"}, 2]}
    assert outils["other"]["key"] == "outils_other"
    agents = definition["items"][2]
    assert agents["relevant"] == {"op": "includes", "args": [{"var": "outils"}, "chat"]}
    assert definition["choice_lists"]["outils"][1]["exclusive"] is True


def test_each_unsupported_row_is_named(survey: Survey) -> None:
    data = xlsx(
        [
            ["type", "name", "label", "relevant"],
            ["geopoint", "lieu", "Où ?", ""],
            # Arithmetic is supported now; substr() is not.
            ["text", "nom", "Nom", "substr(${x}, 0, 2) = 'ab'"],
            ["begin repeat", "outils", "Outils", ""],
        ]
    )
    response = survey.client.post(
        "/questionnaires/xlsform", headers=survey.analyst, files={"file": ("kobo.xlsx", data)}
    )

    body = assert_problem(response, 422)
    messages = [error["msg"] for error in body["errors"]]  # type: ignore[attr-defined]
    assert any("ligne 2" in m and "geopoint" in m for m in messages)
    assert any("ligne 3" in m and "substr()" in m for m in messages)
    assert any("ligne 4" in m and "begin repeat" in m for m in messages)


def test_a_file_that_is_not_an_xlsform_is_a_422(survey: Survey) -> None:
    response = survey.client.post(
        "/questionnaires/xlsform",
        headers=survey.analyst,
        files={"file": ("x.xlsx", b"pas un classeur")},
    )
    assert "pas un classeur XLSForm" in str(assert_problem(response, 422)["detail"])


def test_the_published_version_downloads_as_xlsform(survey: Survey) -> None:
    listed = survey.client.get("/questionnaires").json()["items"][0]
    response = survey.client.get(f"/questionnaires/{listed['id']}/xlsform")

    assert response.status_code == 200
    assert read_xlsform(response.content).key == "observatoire_ia"


def test_a_version_named_outside_latin1_still_downloads(survey: Survey) -> None:
    """Found by the contract fuzzing: the file name broke the Content-Disposition header."""
    document = copy.deepcopy(DEFINITION)
    document["version"] = "édition 2027 ✓"
    created = survey.client.post("/questionnaires", headers=survey.analyst, json=document)
    assert created.status_code == 201, created.text
    draft = created.json()["id"]

    response = survey.client.get(f"/questionnaires/{draft}/xlsform", headers=survey.analyst)

    assert response.status_code == 200, response.text
    disposition = response.headers["content-disposition"]
    assert 'filename="observatoire_ia-_dition 2027 _.xlsx"' in disposition
    assert "filename*=UTF-8''observatoire_ia-%C3%A9dition%202027%20%E2%9C%93.xlsx" in disposition
    assert read_xlsform(response.content).key == "observatoire_ia"
