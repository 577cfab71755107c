"""What the law asks, prepared from a fiche: the FRIA (Art. 27) and its DPIA screening, the EU
database registration pack (Annex VIII, Section C), the CRPA's explicit mention; and the data
files they are drawn from, checked against their JSON Schemas.

A fiche's qualification is written as the qualification routes write it: the engine's outcome
as JSON. Its rule set here is a small one of the shape the engine reads, with the ids of the
full rule set's questions' tags and obligations (`annex_iii_area:…`, `art27_fria`,
`art49_registration`), so these tests do not depend on the rule set's content.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest
from sqlmodel import Session

from services.catalogue import personal_data
from services.catalogue.ai_act import engine
from services.catalogue.ai_act.references import NAMES, Name, data_file, load, schema_file
from services.catalogue.models import UseCase
from services.common.database import create_db_engine
from services.common.sql import utcnow
from tests.catalogue.conftest import FicheFactory
from tests.catalogue.support import Catalogue
from tests.conftest import Databases
from tests.helpers import assert_problem, id_of, private_link

Qualify = Callable[[int, dict[str, engine.Answer]], None]

_DATE = {"date": "2026-08-02", "label": "Application générale", "source": "Art. 113"}
RULES = engine.Rules(
    {
        "version": "essai-1",
        "source": {"text": "Règles d'essai"},
        "dates": {"general": _DATE},
        "questions": [
            {
                "id": "annex_iii",
                "text": "Dans quel domaine de l'annexe III le système est-il utilisé ?",
                "kind": "one",
                "provision": {"ref": "Annexe III"},
                "options": [
                    {
                        "code": "5_a",
                        "label": "Prestations d'aide sociale",
                        "tags": ["annex_iii_area:services_essentiels", "annex_iii:5_a"],
                    },
                    {
                        "code": "2",
                        "label": "Trafic routier",
                        "tags": ["annex_iii_area:infrastructures_critiques", "annex_iii:2"],
                    },
                    {"code": "aucun", "label": "Aucun"},
                ],
            },
            {
                "id": "role",
                "text": "La collectivité utilise-t-elle le système ?",
                "kind": "one",
                "provision": {"ref": "Art. 3(4)"},
                "options": [
                    {"code": "deployeur", "label": "Oui"},
                    {"code": "fournisseur", "label": "Non, elle le fournit"},
                ],
            },
        ],
        "classes": [
            {
                "class": "haut_risque",
                "when": {"q": "annex_iii", "in": ["5_a", "2"]},
                "provision": {"ref": "Art. 6(2)"},
            },
            {"class": "risque_minimal", "provision": {"ref": "Art. 95"}},
        ],
        "roles": [
            {"role": "deployeur", "when": {"q": "role", "in": ["deployeur"]}},
            {"role": "fournisseur", "when": {"q": "role", "in": ["fournisseur"]}},
        ],
        "obligations": [
            {
                "id": duty,
                "title": title,
                "text": title,
                "provision": {"ref": ref},
                "from": "general",
                "when": {
                    "all": [{"q": "annex_iii", "in": ["5_a"]}, {"q": "role", "in": ["deployeur"]}]
                },
            }
            for duty, title, ref in (
                ("art27_fria", "Analyse d'impact sur les droits fondamentaux", "Art. 27(1)"),
                ("art49_registration", "Enregistrement dans la base de l'UE", "Art. 49(3)"),
            )
        ],
    }
)

HIGH_RISK = {
    "ai_act_class": "haut_risque",
    "annex_iii_area": "services_essentiels",
    "domain": "action_sociale",
    "personal_data": "identifiantes",
}
ELEMENTS = {
    "processes": "Pré-instruction des demandes de RSA avant la décision de l'agent.",
    "period_frequency": "Depuis 2026-09, à chaque demande reçue.",
    "persons": "Demandeurs du RSA et leur foyer.",
    "risks": "Refus à tort d'un droit ; discrimination indirecte par les données de revenus.",
    "oversight": "L'agent instructeur relit chaque pré-instruction et décide.",
    "measures": "Comité de suivi trimestriel ; réclamation auprès du service, puis recours.",
}


def complete_form(**changes: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "state": "complete",
        "shared": True,
        "elements": ELEMENTS,
        "rights": [{"code": right["code"], "at_stake": "non"} for right in load("fria")["rights"]],
        "summary": "Risque de non-recours et d'erreur de calcul, maîtrisé par la relecture.",
        "dpia": {
            "criteria": ["evaluation", "personnes_vulnerables"],
            "url": "https://nord.example.fr/aipd-rsa",
            "summary": "AIPD menée en 2026 : minimisation des données, durée limitée.",
        },
        "deployer": {
            "address": "51 rue Gustave Delory, 59000 Lille",
            "contact": "ia@nord.example.fr",
            "submitter_name": "Camille Martin",
            "submitter_address": "51 rue Gustave Delory, 59000 Lille",
            "submitter_contact": "camille.martin@nord.example.fr",
            "provider_entry_url": "https://ai-act-database.example.eu/systems/42",
        },
    }
    return {**form, **changes}


@pytest.fixture
def qualify(databases: Databases) -> Qualify:
    """Store a fiche's qualification as the qualification routes do."""

    def store(use_case_id: int, answers: dict[str, engine.Answer]) -> None:
        outcome = engine.qualify(answers, RULES)
        database = create_db_engine(databases.urls["catalogue"], pool_size=1)
        with Session(database) as session:
            use_case = session.get(UseCase, use_case_id)
            assert use_case is not None
            use_case.qualification = {
                "answers": answers,
                "rules_version": outcome.rules_version,
                "outcome": dataclasses.asdict(outcome),
                "qualified_at": utcnow().isoformat(),
            }
            session.add(use_case)
            session.commit()
        database.dispose()

    return store


def put_fria(
    catalogue: Catalogue,
    use_case_id: int,
    form: dict[str, Any],
    version: int = 0,
    *,
    headers: dict[str, str] | None = None,
) -> Any:
    """Save a FRIA form, as a moderator unless other headers (a private link) are given."""
    return catalogue.client.put(
        f"/use-cases/{use_case_id}/fria",
        json=form,
        headers={**(headers or catalogue.moderator), "If-Match": f'"{version}"'},
    )


def read_fria(catalogue: Catalogue, use_case_id: int) -> dict[str, Any]:
    response = catalogue.client.get(f"/use-cases/{use_case_id}/fria", headers=catalogue.moderator)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


# The data files


@pytest.mark.parametrize("name", NAMES)
def test_each_reference_file_is_valid_against_its_schema(name: Name) -> None:
    schema = json.loads(schema_file(name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    document = json.loads(data_file(name).read_text(encoding="utf-8"))
    jsonschema.validate(document, schema, format_checker=jsonschema.FormatChecker())


def test_the_references_name_every_point_of_the_texts_once() -> None:
    assert [e["point"] for e in load("fria")["elements"]] == list("abcdef")
    rights = load("fria")["rights"]
    assert len({r["code"] for r in rights}) == len(rights)
    articles = {r["charter_article"] for r in rights}
    # Dignity, privacy, data protection, non-discrimination, women-men, child, elderly,
    # disability, good administration, effective remedy, expression, assembly.
    assert {"1", "7", "8", "21", "23", "24", "25", "26", "41", "47", "11", "12"} <= articles
    assert [f["point"] for f in load("registration")["fields"]] == ["1", "2", "3", "4", "5"]
    assert [i["point"] for i in load("mention")["on_request"]] == ["1°", "2°", "3°", "4°"]
    assert len({c["code"] for c in load("dpia")["criteria"]}) == 9
    assert len({c["code"] for c in load("dpia")["cnil_list"]}) == 14


# When the FRIA is due


def test_the_fria_is_due_for_a_deployer_of_an_annex_iii_5a_system(
    catalogue: Catalogue, fiche: FicheFactory, qualify: Qualify
) -> None:
    use_case = fiche()
    assert use_case.id is not None
    qualify(use_case.id, {"annex_iii": "5_a", "role": "deployeur"})
    due = read_fria(catalogue, use_case.id)["due"]
    assert due["due"] is True
    assert due["basis"] == "qualification"
    assert (due["provision"], due["applies_from"]) == ("Art. 27(1)", "2026-08-02")
    assert "essai-1" in due["reason"]


def test_the_fria_is_not_due_for_annex_iii_point_2_nor_for_a_provider(
    catalogue: Catalogue, fiche: FicheFactory, qualify: Qualify
) -> None:
    traffic, provided = fiche(), fiche()
    assert traffic.id is not None
    assert provided.id is not None
    qualify(traffic.id, {"annex_iii": "2", "role": "deployeur"})
    qualify(provided.id, {"annex_iii": "5_a", "role": "fournisseur"})
    traffic_due = read_fria(catalogue, traffic.id)["due"]
    assert traffic_due["due"] is False
    assert "point 2 de l'annexe III" in traffic_due["reason"]
    provided_due = read_fria(catalogue, provided.id)["due"]
    assert provided_due["due"] is False
    assert "déployeur" in provided_due["reason"]


def test_without_a_qualification_the_declared_fields_decide_and_say_so(
    catalogue: Catalogue, fiche: FicheFactory
) -> None:
    declared, minimal = fiche(**HIGH_RISK), fiche()
    assert declared.id is not None
    assert minimal.id is not None
    due = read_fria(catalogue, declared.id)["due"]
    assert (due["due"], due["basis"]) == (True, "declaration")
    assert "champs déclarés" in due["reason"]
    not_due = read_fria(catalogue, minimal.id)["due"]
    assert not_due["due"] is False
    assert "risque_minimal" in not_due["reason"]


# Saving the form


def test_the_contributor_saves_a_draft_and_reads_it_back(catalogue: Catalogue) -> None:
    proposed, token = catalogue.propose(title="Aide à l'instruction du RSA", **HIGH_RISK)
    draft = {
        "elements": {"processes": ELEMENTS["processes"]},
        "rights": [{"code": "non_discrimination", "at_stake": "oui", "note": "Revenus."}],
        "dpia": {"criteria": ["evaluation"]},
    }
    response = put_fria(catalogue, proposed["id"], draft, headers=private_link(token))
    assert response.status_code == 200, response.text
    assert response.headers["ETag"] == '"1"'
    again = catalogue.client.get(f"/use-cases/{proposed['id']}/fria", headers=private_link(token))
    body = again.json()
    assert body["version"] == 1
    assert body["form"]["state"] == "draft"
    assert body["form"]["elements"]["processes"] == ELEMENTS["processes"]
    assert body["form"]["rights"] == [
        {"code": "non_discrimination", "at_stake": "oui", "note": "Revenus."}
    ]
    blocking = {m["field"] for m in body["missing"] if m["blocking"]}
    assert {"elements.persons", "rights", "summary"} <= blocking
    assert "elements.processes" not in blocking
    # Another fiche's link does not open this one.
    other, other_token = catalogue.propose(email="autre@ville.example.fr", title="Autre fiche")
    refused = catalogue.client.get(
        f"/use-cases/{proposed['id']}/fria", headers=private_link(other_token)
    )
    assert_problem(refused, 404)
    assert other["id"] != proposed["id"]


def test_bad_input_is_a_422_naming_it_and_the_saved_form_is_kept(
    catalogue: Catalogue, fiche: FicheFactory
) -> None:
    use_case = fiche(**HIGH_RISK)
    assert use_case.id is not None
    saved = {"elements": {"processes": ELEMENTS["processes"]}}
    assert put_fria(catalogue, use_case.id, saved).status_code == 200
    early = put_fria(catalogue, use_case.id, {**saved, "state": "complete"}, version=1)
    problem = assert_problem(early, 422)
    locs = [e["loc"] for e in problem["errors"]]  # type: ignore[attr-defined]
    assert ["body", "elements", "risks"] in locs
    assert ["body", "summary"] in locs
    for bad in (
        {"rights": [{"code": "droit_au_bonheur", "at_stake": "oui"}]},
        {"dpia": {"criteria": ["astrologie"]}},
        {"elements": {"risks": "x" * 5001}},
        {"state": "finie"},
        {"inconnu": True},
    ):
        assert_problem(put_fria(catalogue, use_case.id, bad, version=1), 422)
    assert_problem(put_fria(catalogue, use_case.id, saved, version=0), 412)
    missing_if_match = catalogue.client.put(
        f"/use-cases/{use_case.id}/fria", json=saved, headers=catalogue.moderator
    )
    assert_problem(missing_if_match, 428)
    kept = read_fria(catalogue, use_case.id)
    assert kept["version"] == 1
    assert kept["form"]["state"] == "draft"
    assert kept["form"]["elements"]["processes"] == ELEMENTS["processes"]


def test_a_form_with_every_element_is_declared_complete(
    catalogue: Catalogue, fiche: FicheFactory
) -> None:
    use_case = fiche(**HIGH_RISK)
    assert use_case.id is not None
    response = put_fria(catalogue, use_case.id, complete_form())
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["form"]["state"] == "complete"
    assert [m for m in body["missing"] if m["blocking"]] == []


# The DPIA screening


@pytest.mark.parametrize(
    ("dpia", "result", "shown"),
    [
        ({"criteria": ["evaluation", "personnes_vulnerables"]}, "probable", 2),
        ({"criteria": ["evaluation"]}, "a_examiner", 1),
        ({"criteria": [], "cnil_types": ["accompagnement_social"]}, "requise", 0),
        ({"criteria": []}, "non_presumee", 0),
        ({}, "non_renseigne", 0),
    ],
)
def test_two_criteria_make_a_dpia_likely_with_the_criteria_shown(
    catalogue: Catalogue, fiche: FicheFactory, dpia: dict[str, Any], result: str, shown: int
) -> None:
    use_case = fiche(**HIGH_RISK, ai_technology="apprentissage_automatique")
    assert use_case.id is not None
    response = put_fria(catalogue, use_case.id, {"dpia": dpia})
    screening = response.json()["dpia_screening"]
    assert screening["result"] == result
    assert screening["threshold"] == 2
    assert len(screening["criteria"]) == shown
    for criterion in screening["criteria"]:
        assert criterion["source"].startswith("WP248 rév.01, critère")
    # Suggested from the fiche, never ticked for the user.
    assert {"usage_innovant", "personnes_vulnerables"} <= {
        s["code"] for s in screening["suggested"]
    }
    if result == "probable":
        assert {
            "field": "dpia.url",
            "label": "Lien vers l'AIPD (art. 27(4))",
            "blocking": False,
        } in (response.json()["missing"])


def test_a_fiche_without_personal_data_needs_no_dpia(
    catalogue: Catalogue, fiche: FicheFactory
) -> None:
    use_case = fiche(**{**HIGH_RISK, "personal_data": "aucune"})
    assert use_case.id is not None
    assert read_fria(catalogue, use_case.id)["dpia_screening"]["result"] == "sans_objet"


# Reuse (Art. 27(2))


def test_reuse_copies_another_fiches_fria_with_its_origin_to_be_reviewed(
    catalogue: Catalogue, fiche: FicheFactory
) -> None:
    source, target = fiche(**HIGH_RISK), fiche(**HIGH_RISK)
    assert source.id is not None
    assert target.id is not None
    assert put_fria(catalogue, source.id, complete_form()).status_code == 200
    response = catalogue.client.post(
        f"/use-cases/{target.id}/fria/from/{source.id}",
        headers={**catalogue.moderator, "If-Match": '"0"'},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["origin"]["use_case_id"] == source.id
    assert body["origin"]["title"] == source.title
    assert body["origin"]["fria_version"] == 1
    assert body["form"]["to_review"] is True
    assert body["form"]["state"] == "draft"
    assert body["form"]["elements"] == ELEMENTS
    # The other authority's registration details and DPIA are not copied.
    assert body["form"]["deployer"]["submitter_name"] is None
    assert body["form"]["dpia"]["url"] is None
    assert {"field": "to_review"} | {"blocking": True} in [
        {"field": m["field"], "blocking": m["blocking"]} for m in body["missing"]
    ]
    # Reviewed, the copy may be completed; its origin stays.
    done = put_fria(catalogue, target.id, complete_form(), version=1)
    assert done.status_code == 200, done.text
    assert done.json()["origin"]["use_case_id"] == source.id


def test_reuse_needs_a_published_fiche_whose_fria_is_complete_and_shared(
    catalogue: Catalogue, fiche: FicheFactory
) -> None:
    private, unpublished, target = fiche(**HIGH_RISK), fiche(published=False), fiche()
    assert private.id is not None
    assert unpublished.id is not None
    assert target.id is not None
    assert put_fria(catalogue, private.id, complete_form(shared=False)).status_code == 200
    headers = {**catalogue.moderator, "If-Match": '"0"'}
    refused = catalogue.client.post(
        f"/use-cases/{target.id}/fria/from/{private.id}", headers=headers
    )
    assert "reprendre" in str(assert_problem(refused, 409)["detail"])
    hidden = catalogue.client.post(
        f"/use-cases/{target.id}/fria/from/{unpublished.id}", headers=headers
    )
    assert_problem(hidden, 404)
    assert read_fria(catalogue, target.id)["version"] == 0


# The registration pack


def test_the_registration_pack_is_filled_from_the_fiche_and_its_fria(
    catalogue: Catalogue, fiche: FicheFactory, qualify: Qualify
) -> None:
    use_case = fiche(**HIGH_RISK, local_authority_code="59")
    assert use_case.id is not None
    qualify(use_case.id, {"annex_iii": "5_a", "role": "deployeur"})
    assert put_fria(catalogue, use_case.id, complete_form()).status_code == 200
    pack = catalogue.client.get(
        f"/use-cases/{use_case.id}/registration", headers=catalogue.moderator
    ).json()
    assert pack["due"]["due"] is True
    assert pack["due"]["provision"] == "Art. 49(3)"
    fields = {f["id"]: f for f in pack["fields"]}
    assert [f["point"] for f in pack["fields"]] == ["1", "2", "3", "4", "5"]
    assert {f["status"] for f in pack["fields"]} == {"filled"}
    assert pack["missing"] == []
    assert fields["deployer"]["value"].startswith("Nord — 51 rue Gustave Delory")
    assert "Camille Martin" in fields["submitter"]["value"]
    assert fields["provider_entry"]["value"] == "https://ai-act-database.example.eu/systems/42"
    assert fields["fria_summary"]["value"] == complete_form()["summary"]
    assert fields["dpia_summary"]["provision"] == "Annexe VIII, section C, point 5"


def test_the_registration_pack_names_what_is_missing(
    catalogue: Catalogue, fiche: FicheFactory
) -> None:
    use_case = fiche(**HIGH_RISK, contact_url="https://nord.example.fr/contact")
    assert use_case.id is not None
    assert put_fria(catalogue, use_case.id, {"deployer": {"address": "Lille"}}).status_code == 200
    pack = catalogue.client.get(
        f"/use-cases/{use_case.id}/registration", headers=catalogue.moderator
    ).json()
    fields = {f["id"]: f for f in pack["fields"]}
    assert fields["deployer"]["status"] == "filled"
    assert "https://nord.example.fr/contact" in fields["deployer"]["value"]
    assert fields["submitter"]["status"] == "missing"
    assert fields["submitter"]["missing"] == "Manque : nom, adresse, coordonnées."
    assert fields["fria_summary"]["status"] == "missing"
    assert pack["missing"] == ["submitter", "provider_entry", "fria_summary", "dpia_summary"]


def test_law_enforcement_registers_points_1_to_3_in_the_non_public_section(
    catalogue: Catalogue, fiche: FicheFactory
) -> None:
    use_case = fiche(**{**HIGH_RISK, "annex_iii_area": "repression"})
    assert use_case.id is not None
    pack = catalogue.client.get(
        f"/use-cases/{use_case.id}/registration", headers=catalogue.moderator
    ).json()
    assert pack["non_public"] is True
    statuses = [f["status"] for f in pack["fields"]]
    assert statuses[3:] == ["not_required", "not_required"]
    assert pack["missing"] == ["deployer", "submitter", "provider_entry"]


# The explicit mention (CRPA)


def test_the_explicit_mention_is_generated_from_a_fiche_with_individual_decisions(
    catalogue: Catalogue, fiche: FicheFactory
) -> None:
    use_case = fiche(
        individual_decisions=True,
        automation_level="aide_decision",
        goal="Calculer le tarif de la cantine à partir du quotient familial.",
        contact_url="https://ville.example.fr/demande-algorithme",
        data_sources="Quotient familial transmis par la CAF.",
        decision_process="Le tarif calculé est appliqué après contrôle d'un agent.",
    )
    response = catalogue.client.get(f"/use-cases/{use_case.id}/mention-explicite")
    assert response.status_code == 200, response.text
    body = response.json()
    assert "Calculer le tarif de la cantine à partir du quotient familial." in body["mention"]
    assert "https://ville.example.fr/demande-algorithme" in body["mention"]
    assert "L. 311-3-1" in body["mention"]
    assert "CADA" in body["mention"]
    items = {item["point"]: item for item in body["on_request"]}
    assert list(items) == ["1°", "2°", "3°", "4°"]
    assert "Aide à la décision" in items["1°"]["text"]
    assert "Quotient familial transmis par la CAF" in items["2°"]["text"]
    assert items["3°"]["per_request"]
    assert "Modèles (nom, version, fournisseur, licence)" in items["3°"]["missing"]
    assert {s["legifrance"] for s in body["sources"] if "legifrance" in s} >= {
        "LEGIARTI000033205535",
        "LEGIARTI000034195881",
    }


def test_a_missing_goal_is_named_and_marked_in_the_text(
    catalogue: Catalogue, fiche: FicheFactory
) -> None:
    use_case = fiche(individual_decisions=True)
    body = catalogue.client.get(f"/use-cases/{use_case.slug}/mention-explicite").json()
    assert "[finalité du traitement à préciser]" in body["mention"]
    assert {"goal", "contact_url"} <= {m["field"] for m in body["missing"]}


def test_no_mention_for_a_fiche_without_individual_decisions_or_unpublished(
    catalogue: Catalogue, fiche: FicheFactory
) -> None:
    without, hidden = (
        fiche(individual_decisions=False),
        fiche(individual_decisions=True, published=False),
    )
    refused = catalogue.client.get(f"/use-cases/{without.id}/mention-explicite")
    assert "aucune" in str(assert_problem(refused, 409)["detail"])
    assert_problem(catalogue.client.get(f"/use-cases/{hidden.id}/mention-explicite"), 404)
    assert_problem(catalogue.client.get("/use-cases/999999/mention-explicite"), 404)


# The demo catalogue


def test_the_demos_high_risk_fiches_show_their_fria_and_registration_pack(
    catalogue: Catalogue, seeded: Databases
) -> None:
    rsa = id_of(seeded.urls["catalogue"], UseCase, slug="instruction-rsa-nord")
    lights = id_of(seeded.urls["catalogue"], UseCase, slug="feux-circulation-toulouse")
    training = id_of(
        seeded.urls["catalogue"], UseCase, slug="orientation-formation-pays-de-la-loire"
    )
    body = read_fria(catalogue, rsa)
    assert (body["due"]["due"], body["form"]["state"]) == (True, "complete")
    assert body["dpia_screening"]["result"] == "requise"
    assert read_fria(catalogue, training)["form"]["state"] == "draft"
    assert read_fria(catalogue, lights)["due"]["due"] is False
    pack = catalogue.client.get(
        f"/use-cases/{rsa}/registration", headers=catalogue.moderator
    ).json()
    # The provider's entry is the one field a demo cannot know.
    assert pack["missing"] == ["provider_entry"]
    mention = catalogue.client.get(f"/use-cases/{rsa}/mention-explicite")
    assert mention.status_code == 200, mention.text


# Personal data (RGPD)


def test_the_person_who_registers_is_exported_and_erased_by_their_address(
    catalogue: Catalogue, fiche: FicheFactory, databases: Databases
) -> None:
    use_case = fiche(**HIGH_RISK)
    assert use_case.id is not None
    assert put_fria(catalogue, use_case.id, complete_form()).status_code == 200
    address = "camille.martin@nord.example.fr"
    database = create_db_engine(databases.urls["catalogue"], pool_size=1)
    try:
        with database.begin() as connection:
            exported = personal_data.export(connection, address)
            assert exported["use_case.fria"] == [
                {
                    "use_case_id": use_case.id,
                    "submitter_name": "Camille Martin",
                    "submitter_address": "51 rue Gustave Delory, 59000 Lille",
                    "submitter_contact": address,
                }
            ]
            assert personal_data.erase(connection, address)["use_case.fria"] == 1
            assert "use_case.fria" not in personal_data.export(connection, address)
    finally:
        database.dispose()
    form = read_fria(catalogue, use_case.id)["form"]
    assert form["deployer"]["submitter_name"] is None
    assert form["deployer"]["address"] == complete_form()["deployer"]["address"]
    assert form["elements"] == ELEMENTS
