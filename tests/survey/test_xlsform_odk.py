"""XLSForm as ODK and KoboToolbox read it: every export converts with pyxform and passes ODK
Validate (Java), imports keep languages, codes and columns, and what is not supported is named
with its sheet, row and column."""

from __future__ import annotations

import csv
import io
import string
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]
from pyxform.xls2xform import convert  # type: ignore[import-untyped]

from services.survey.definition import Definition
from services.survey.questionnaires.observatoire_ia import DEFINITION
from services.survey.questionnaires.xlsform import XlsFormRefused, read_xlsform
from services.survey.questionnaires.xlsform_export import write_xlsform
from tests.helpers import assert_problem, private_link
from tests.mailbox import Mailbox

from .support import RENNES, Survey, create_campaign, invite, token_from_mail


def odk_validate(data: bytes) -> str:
    """The XForm pyxform makes of the workbook, after ODK Validate accepted it."""
    result = convert(xlsform=io.BytesIO(data), validate=True, file_type=".xlsx", form_name="data")
    return str(result.xform)


def workbook(sheets: dict[str, list[list[Any]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def refusal(data: bytes) -> list[str]:
    with pytest.raises(XlsFormRefused) as caught:
        read_xlsform(data)
    return [error["msg"] for error in caught.value.extra["errors"]]


def test_the_default_questionnaire_exports_to_a_form_odk_validate_accepts() -> None:
    xform = odk_validate(write_xlsform(Definition.model_validate(DEFINITION)))

    # The authority's attributes are fields of the form, read from the attached list.
    assert "pulldata('collectivites', 'kind', 'name'" in xform
    assert "jr://file-csv/collectivites.csv" in xform


def test_the_list_of_authorities_the_exported_form_reads_is_served(survey: Survey) -> None:
    response = survey.client.get("/questionnaires/collectivites.csv")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert list(rows[0]) == ["name", "label", "departement", "kind", "population", "region"]
    lyon = next(row for row in rows if row["name"] == "commune_69123")
    assert lyon["kind"] == "commune"
    assert lyon["departement"] == "69"
    assert lyon["region"] == "84"
    assert int(lyon["population"]) > 400_000
    kinds = {row["kind"] for row in rows}
    assert kinds == {"commune", "epci", "departement", "region"}
    assert len({row["name"] for row in rows}) == len(rows)  # a key names one authority


LANGUAGES_FORM = {
    "survey": [
        [
            "type",
            "name",
            "label::Français (fr)",
            "label::English (en)",
            "hint::Français (fr)",
            "hint::English (en)",
            "required",
            "required_message::Français (fr)",
            "required_message::English (en)",
            "default",
        ],
        [
            "select_one satisf",
            "satisf",
            "Êtes-vous satisfait ?",
            "Are you satisfied?",
            "De 1 à 5",
            "From 1 to 5",
            "yes",
            "Répondez, s'il vous plaît",
            "Please answer",
            "3",
        ],
        ["text", "pourquoi", "Pourquoi ?", "Why?", "", "", "", "", "", ""],
    ],
    "choices": [
        ["list_name", "name", "label::Français (fr)", "label::English (en)"],
        *[["satisf", str(n), f"{n} sur 5", f"{n} out of 5"] for n in range(1, 6)],
    ],
    "settings": [
        ["form_title", "form_id", "version", "default_language"],
        ["Satisfaction", "satisf", "1", "English (en)"],
    ],
}


def test_every_language_is_kept_and_default_language_is_honoured() -> None:
    definition = read_xlsform(workbook(LANGUAGES_FORM))

    assert definition.default_language == "English (en)"
    question: Any = definition.items[0]
    assert question.label == "Are you satisfied?"
    assert question.hint == "From 1 to 5"
    assert question.required_message == "Please answer"
    assert question.default == "3"
    assert definition.choice_lists["satisf"][0].label == "1 out of 5"
    french = definition.translations["Français (fr)"]
    assert french["item:satisf:label"] == "Êtes-vous satisfait ?"
    assert french["item:satisf:required_message"] == "Répondez, s'il vous plaît"
    assert french["choice:satisf:2"] == "2 sur 5"
    assert french["item:pourquoi:label"] == "Pourquoi ?"


def test_an_export_writes_every_language_and_comes_back_the_same() -> None:
    definition = read_xlsform(workbook(LANGUAGES_FORM))
    data = write_xlsform(definition)

    header = next(load_workbook(io.BytesIO(data))["survey"].iter_rows(values_only=True))
    assert {"label::English (en)", "label::Français (fr)", "hint::Français (fr)"} <= set(header)
    xform = odk_validate(data)
    assert 'lang="Français (fr)"' in xform
    assert 'lang="English (en)" default="true()"' in xform
    assert read_xlsform(data) == definition


def test_type_synonyms_pyxform_accepts_mean_the_same() -> None:
    def form(types: list[str]) -> bytes:
        return workbook(
            {
                "survey": [
                    ["type", "name", "label"],
                    [types[0], "a", "A"],
                    [types[1], "b", "B"],
                    [types[2], "c", "C"],
                    [types[3], "d", "D"],
                ],
                "choices": [["list_name", "name", "label"], ["l", "x", "X"], ["l", "y", "Y"]],
            }
        )

    canonical = read_xlsform(form(["select_one l", "select_multiple l", "integer", "text"]))
    synonyms = read_xlsform(form(["select one l", "select all that apply l", "int", "string"]))

    assert synonyms == canonical
    assert [getattr(item, "type", None) for item in canonical.items] == [
        "select_one",
        "select_multiple",
        "integer",
        "text",
    ]


def test_each_unsupported_construct_is_named_with_its_sheet_row_and_column() -> None:
    messages = refusal(
        workbook(
            {
                "survey": [
                    ["type", "name", "label", "read_only", "media::image", "couleur", "$kuid"],
                    ["text", "nom", "Nom", "yes", "", "", "abc1"],
                    ["select_one_from_file communes.csv", "commune", "Commune", "", "", "", ""],
                    ["begin repeat", "outils", "Outils", "", "", "", ""],
                    ["text", "photo", "Photo", "", "photo.png", "rouge", ""],
                    ["end repeat", "", "", "", "", "", ""],
                ],
                "choices": [["list_name", "name", "label", "image"], ["l", "x", "X", "x.png"]],
                "settings": [["form_title", "style"], ["Titre", "theme-grid"]],
            }
        )
    )

    def named(*parts: str) -> bool:
        return any(all(part in message for part in parts) for message in messages)

    assert named("feuille survey", "ligne 2", "colonne read_only", "lecture seule")
    assert named("feuille survey", "ligne 3", "colonne type", "fichier joint")
    assert named("feuille survey", "ligne 4", "colonne type", "répétitions")
    assert named("feuille survey", "ligne 5", "colonne media::image", "médias")
    assert named("feuille survey", "ligne 5", "colonne couleur", "n'est pas une colonne XLSForm")
    assert named("feuille choices", "ligne 2", "colonne image", "médias")
    assert named("feuille settings", "ligne 2", "colonne style", "Enketo")
    assert not named("$kuid")  # KoboToolbox's bookkeeping carries no meaning


def test_a_range_other_than_one_to_five_is_refused_rather_than_changed() -> None:
    messages = refusal(
        workbook(
            {
                "survey": [
                    ["type", "name", "label", "parameters"],
                    ["range", "note", "Note", "start=0 end=10 step=1"],
                ]
            }
        )
    )
    assert any("ligne 2" in m and "colonne parameters" in m for m in messages)


def test_choice_filter_is_kept_and_goes_back_out() -> None:
    data = workbook(
        {
            "survey": [
                ["type", "name", "label", "choice_filter"],
                ["select_one regions", "region", "Région", ""],
                ["select_one departements", "departement", "Département", "region = ${region}"],
            ],
            "choices": [
                ["list_name", "name", "label", "region"],
                ["regions", "84", "Auvergne-Rhône-Alpes", ""],
                ["regions", "93", "Provence-Alpes-Côte d'Azur", ""],
                ["departements", "69", "Rhône", "84"],
                ["departements", "13", "Bouches-du-Rhône", "93"],
            ],
        }
    )
    definition = read_xlsform(data)

    question: Any = definition.items[1]
    assert question.choice_filter == {"op": "eq", "args": [{"choice": "region"}, {"var": "region"}]}
    assert definition.choice_lists["departements"][0].properties == {"region": "84"}
    exported = write_xlsform(definition)
    # ODK filters the itemset of the exported form the same way.
    assert "instance('departements')/root/item[region =  /data/region ]" in odk_validate(exported)
    assert read_xlsform(exported) == definition


def test_an_xlsform_in_two_languages_is_imported_through_the_api(survey: Survey) -> None:
    response = survey.client.post(
        "/questionnaires/xlsform",
        headers=survey.analyst,
        files={"file": ("satisf.xlsx", workbook(LANGUAGES_FORM))},
    )

    assert response.status_code == 201, response.text
    definition = response.json()["definition"]
    assert definition["default_language"] == "English (en)"
    assert (
        definition["translations"]["Français (fr)"]["item:satisf:label"] == "Êtes-vous satisfait ?"
    )
    exported = survey.client.get(
        f"/questionnaires/{response.json()['id']}/xlsform", headers=survey.analyst
    )
    assert (
        read_xlsform(exported.content).model_dump()
        == Definition.model_validate(definition).model_dump()
    )


def test_an_unsupported_construct_is_a_422_through_the_api(survey: Survey) -> None:
    data = workbook({"survey": [["type", "name", "label", "trigger"], ["text", "a", "A", "${b}"]]})
    response = survey.client.post(
        "/questionnaires/xlsform", headers=survey.analyst, files={"file": ("x.xlsx", data)}
    )
    body = assert_problem(response, 422)
    errors: list[dict[str, Any]] = body["errors"]  # type: ignore[assignment]
    [error] = errors
    assert error["loc"] == ["body", "file", "survey", 2, "trigger"]


# --- property: whatever the service can hold exports to a form ODK accepts, and comes back --

KEYS = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True)
CODES = st.from_regex(r"[a-z0-9][a-z0-9_]{0,6}", fullmatch=True)
TEXT = (
    st.text(
        alphabet=string.ascii_letters + string.digits + " éèàçÉ'’?,.()-«»", min_size=1, max_size=40
    )
    .map(str.strip)
    .filter(bool)
)


@st.composite
def definitions(draw: st.DrawFn) -> dict[str, Any]:
    codes = draw(st.lists(CODES, min_size=2, max_size=5, unique=True))
    lists = {"liste": [{"code": code, "label": draw(TEXT)} for code in codes]}
    keys = draw(st.lists(KEYS, min_size=2, max_size=8, unique=True))
    english = draw(st.booleans())
    translations: dict[str, str] = {}
    items: list[dict[str, Any]] = []
    earlier: list[dict[str, Any]] = []
    for key in keys:
        kind = draw(
            st.sampled_from(
                [
                    "select_one",
                    "select_multiple",
                    "integer",
                    "decimal",
                    "text",
                    "textarea",
                    "date",
                    "scale",
                    "yes_no",
                    "note",
                ]
            )
        )
        item: dict[str, Any] = {"kind": "question", "key": key, "label": draw(TEXT), "type": kind}
        if kind == "note":
            item = {"kind": "note", "key": key, "label": item["label"]}
        if kind in ("select_one", "select_multiple"):
            item["choices"] = "liste"
            if draw(st.booleans()):
                code = draw(st.sampled_from(["autre", "other"]))
                other_key = f"{key}_{code}"[:63]
                if other_key not in keys:
                    item["other"] = {"code": code, "key": other_key}
        if kind != "note" and draw(st.booleans()):
            item["required"] = True
        if kind != "note" and draw(st.booleans()):
            item["hint"] = draw(TEXT)
        if draw(st.booleans()) and earlier:
            item["relevant"] = _condition(draw, earlier[-1], codes)
        elif draw(st.integers(0, 4)) == 0:
            item["relevant"] = {"op": "eq", "args": [{"org": "kind"}, "epci"]}
        if english:
            translations[f"item:{key}:label"] = draw(TEXT)
        items.append(item)
        if kind != "note":
            earlier.append(item)
    document: dict[str, Any] = {
        "key": draw(KEYS),
        "version": "1",
        "title": draw(TEXT),
        "choice_lists": lists,
        "items": [
            {"kind": "section", "key": "section_principale", "label": draw(TEXT), "items": items}
        ]
        if draw(st.booleans())
        else items,
    }
    if english:
        document["default_language"] = "Français (fr)"
        document["translations"] = {"English (en)": translations}
    return document


def _condition(draw: st.DrawFn, item: dict[str, Any], codes: list[str]) -> dict[str, Any]:
    var = {"var": item["key"]}
    if item["type"] == "select_one":
        return {
            "op": draw(st.sampled_from(["eq", "neq"])),
            "args": [var, draw(st.sampled_from(codes))],
        }
    if item["type"] == "select_multiple":
        return {"op": "includes", "args": [var, draw(st.sampled_from(codes))]}
    if item["type"] in ("integer", "decimal", "scale"):
        return {"op": draw(st.sampled_from(["gt", "lte"])), "args": [var, draw(st.integers(0, 5))]}
    return {"op": "answered", "args": [var]}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=definitions())
def test_any_questionnaire_exports_to_a_valid_odk_form_and_round_trips(
    document: dict[str, Any],
) -> None:
    definition = Definition.model_validate(document)
    data = write_xlsform(definition)

    odk_validate(data)
    back = read_xlsform(data)
    assert back.model_dump() == definition.model_dump()
    assert read_xlsform(write_xlsform(back)).model_dump() == back.model_dump()


CASCADE = {
    "survey": [
        ["type", "name", "label", "choice_filter", "required", "required_message"],
        ["select_one regions", "region", "Région", "", "yes", "Choisissez d'abord votre région."],
        ["select_one departements", "departement", "Département", "region = ${region}", "", ""],
    ],
    "choices": [
        ["list_name", "name", "label", "region"],
        ["regions", "53", "Bretagne", ""],
        ["regions", "28", "Normandie", ""],
        ["departements", "35", "Ille-et-Vilaine", "53"],
        ["departements", "14", "Calvados", "28"],
    ],
    "settings": [["form_title", "form_id", "version"], ["Cascade", "cascade", "1"]],
}


def test_the_server_refuses_a_choice_the_filter_does_not_offer_and_says_the_required_message(
    survey: Survey, mailbox: Mailbox
) -> None:
    imported = survey.client.post(
        "/questionnaires/xlsform",
        headers=survey.analyst,
        files={"file": ("cascade.xlsx", workbook(CASCADE))},
    )
    assert imported.status_code == 201, imported.text
    questionnaire = imported.json()["id"]
    survey.client.post(f"/questionnaires/{questionnaire}/publish", headers=survey.analyst)
    campaign = create_campaign(survey, questionnaire_id=questionnaire)
    invite(survey, campaign, f"code;courriel\n{RENNES};cascade@rennes.example\n")
    link = private_link(token_from_mail(mailbox, "cascade@rennes.example"))

    refused = survey.client.patch(
        "/answering/answers", headers=link, json={"answers": {"region": "53", "departement": "14"}}
    )
    body = assert_problem(refused, 422)
    assert body["errors"] == [
        {
            "loc": ["body", "answers", "departement"],
            "key": "departement",
            "type": "filtered",
            "msg": "Ce choix n'est pas proposé avec vos réponses précédentes.",
        }
    ]
    accepted = survey.client.patch(
        "/answering/answers", headers=link, json={"answers": {"departement": "35"}}
    )
    assert accepted.status_code == 200, accepted.text
    assert set(survey.client.get("/answering", headers=link).json()["answers"]) == {
        "region",
        "departement",
    }
    cleared = survey.client.patch(
        "/answering/answers", headers=link, json={"answers": {"region": None}}
    )
    assert cleared.status_code == 200, cleared.text
    submitted = assert_problem(survey.client.post("/answering/submit", headers=link), 422)
    messages = {error["key"]: error["msg"] for error in submitted["errors"]}  # type: ignore[attr-defined]
    assert messages["region"] == "Choisissez d'abord votre région."
