"""Search finds what people mean: labels, places, synonyms, typos, partial matches, and explains why.

Every API test runs on SQLite and on PostgreSQL with the same queries and the same expected
answers (the same ranking: both databases compute it with the same integer SQL), over the
demo fiches.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from services.catalogue.ai_act import engine
from services.catalogue.demo_data import DEMO_ANSWERS, DEMO_FICHES
from services.catalogue.french_text import SYNONYMS, SYNONYMS_FILE, parse_query
from tests.catalogue.support import COMPLETE, Catalogue, titles
from tests.conftest import Databases


def search(catalogue: Catalogue, **params: Any) -> dict[str, Any]:
    response = catalogue.client.get("/use-cases", params={"limit": 100, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


# The queries of issue 19, each with a fiche that answers it.
@pytest.mark.parametrize(
    ("query", "answer"),
    [
        ("déchets", "Détection des dépôts sauvages"),
        ("vision par ordinateur", "Cartographie des îlots de chaleur"),
        ("haut risque", "Aide à l'instruction des dossiers de RSA"),
        ("environnement", "Recharge des véhicules électriques de la flotte"),
        ("police municipale", "Capteurs sonores dans l'espace public"),
        ("machine learning", "Prévision de la fréquentation des piscines"),
        ("article 50", "Accueil téléphonique assisté"),
        ("fraude sociale", "Ciblage des contrôles des aides sociales"),
        ("optimisation des tournées", "Planification des tournées d'aide à domicile"),
        ("piscnes", "Prévision de la fréquentation des piscines"),
    ],
)
def test_the_queries_of_the_issue_find_their_fiches(
    catalogue: Catalogue, seeded: Databases, query: str, answer: str
) -> None:
    assert answer in titles(search(catalogue, q=query))[:10]


# One family of synonyms per case: every phrase of it finds the same fiches, at least `answer`.
@pytest.mark.parametrize(
    ("phrases", "answer"),
    [
        (
            ("IA générative", "LLM", "ChatGPT", "modèle de langage"),
            "Assistant génératif pour les agents",
        ),
        (
            ("chatbot", "agent conversationnel", "assistant virtuel", "callbot"),
            "Accueil téléphonique assisté",
        ),
        (("vision par ordinateur", "analyse d'images"), "Suivi de l'érosion du littoral"),
        (
            ("apprentissage automatique", "machine learning"),
            "Détection des fuites sur le réseau d'eau",
        ),
        (("OCR", "reconnaissance de caractères"), "Numérisation des registres d'état civil"),
        (("restauration scolaire", "cantine"), "Calcul du tarif de la restauration scolaire"),
    ],
)
def test_each_synonym_family_finds_the_same_fiches_both_ways(
    catalogue: Catalogue, seeded: Databases, phrases: tuple[str, ...], answer: str
) -> None:
    answers = [set(titles(search(catalogue, q=phrase))) for phrase in phrases]
    assert answer in answers[0]
    assert all(found == answers[0] for found in answers)


def test_a_typo_is_read_as_the_word_and_said(catalogue: Catalogue, seeded: Databases) -> None:
    body = search(catalogue, q="piscnes")
    assert titles(body) == ["Prévision de la fréquentation des piscines"]
    assert body["did_you_mean"] == "piscines"
    marked = [s["text"] for s in body["items"][0]["snippet"] if s["match"]]
    assert marked == ["piscines"]
    # Two letters wrong in a long word, and a transposition.
    assert "Détection des fuites sur le réseau d'eau" in titles(search(catalogue, q="cpateurs"))
    assert titles(search(catalogue, q="stationnemnet"))[0] == (
        "Prévision de l'occupation du stationnement"
    )
    # A short word is never "corrected": "rsa" is no typo of anything, "eua" finds nothing.
    assert search(catalogue, q="eua")["total"] == 0
    assert search(catalogue, q="eua")["did_you_mean"] is None
    # A word the index holds is not read as another.
    assert search(catalogue, q="piscines")["did_you_mean"] is None


def test_a_label_match_says_which_field_matched(catalogue: Catalogue, seeded: Databases) -> None:
    body = search(catalogue, q="déchets")
    item = body["items"][0]
    assert {"field": "Domaine", "label": "Déchets et propreté"} in item["matched"]
    high = search(catalogue, q="haut risque")
    # The demo fiches qualified high risk by the engine (demo_qualifications.json).
    qualified = [
        demo
        for demo in DEMO_FICHES
        if demo.published and engine.qualify(DEMO_ANSWERS[demo.slug]).ai_act_class == "haut_risque"
    ]
    assert high["total"] == len(qualified) >= 3
    for item in high["items"]:
        assert {
            "field": "Règlement européen sur l'IA",
            "label": "Haut risque (art. 6 et annexe III)",
        } in item["matched"]


@pytest.mark.parametrize(
    ("query", "expected", "field"),
    [
        # a région's name finds the fiches of every authority in it
        (
            "Bretagne",
            {
                "Prévision de la fréquentation des piscines",
                "Analyse des demandes de subventions",
                "Classement des signalements de voirie",
                "Suivi de l'érosion du littoral",
            },
            "Région",
        ),
        # a département's name
        (
            "Alpes-Maritimes",
            {
                "Prévision de l'occupation du stationnement",
                "Calcul du tarif de la restauration scolaire",
            },
            "Département",
        ),
        # the kind of authority
        (
            "intercommunalité",
            None,
            "Type de collectivité",
        ),
    ],
)
def test_place_names_find_the_fiches_of_the_territory(
    catalogue: Catalogue,
    seeded: Databases,
    query: str,
    expected: set[str] | None,
    field: str,
) -> None:
    body = search(catalogue, q=query)
    if expected is not None:
        assert set(titles(body)) == expected
    assert body["total"] > 0
    assert all(field in [m["field"] for m in item["matched"]] for item in body["items"])


def test_facets_follow_the_query(catalogue: Catalogue, seeded: Databases) -> None:
    body = search(catalogue, q="vision par ordinateur")
    assert {f["code"]: f["count"] for f in body["facets"]["ai_technology"]} == {"vision": 5}
    assert sum(f["count"] for f in body["facets"]["domain"]) == 5
    narrowed = search(catalogue, q="vision par ordinateur", domain="energie_climat")
    assert titles(narrowed) == ["Cartographie des îlots de chaleur"]
    # the filtered facet still offers its other values, under the query
    assert sum(f["count"] for f in narrowed["facets"]["domain"]) == 5


def test_partial_matches_follow_when_no_fiche_holds_every_word(
    catalogue: Catalogue, seeded: Databases
) -> None:
    body = search(catalogue, q="piscines littoral")
    assert body["total"] == 0
    assert body["items"] == []
    assert set(titles({"items": body["partial"]})) == {
        "Prévision de la fréquentation des piscines",
        "Suivi de l'érosion du littoral",
    }
    # fiches holding more of the words come first
    more = search(catalogue, q="prévision piscines littoral")
    assert titles({"items": more["partial"]})[0] == "Prévision de la fréquentation des piscines"


def test_snippets_mark_a_synonym_phrase_whole_and_keep_text_as_text(
    catalogue: Catalogue, seeded: Databases
) -> None:
    created, _ = catalogue.propose(
        **{
            **COMPLETE,
            "title": "Analyse d'images <b>des</b> toitures",
            "summary": "L'analyse d'images aériennes <script>alert(1)</script> repère les toits.",
        }
    )
    catalogue.publish(created["id"])
    item = search(catalogue, q="vision par ordinateur toitures")["items"][0]
    assert [s["text"] for s in item["snippet"] if s["match"]] == ["analyse d'images"]
    # segments are plain text: the page sets them as text inside <mark>, never as HTML
    assert "<script>alert(1)</script>" in "".join(s["text"] for s in item["snippet"])


def test_a_publication_is_searchable_at_once_and_a_retraction_gone(
    catalogue: Catalogue, databases: Databases
) -> None:
    created, _ = catalogue.propose(
        **{**COMPLETE, "title": "Prévision des crues", "summary": "Prévoir les crues des rivières."}
    )
    assert search(catalogue, q="crues")["total"] == 0
    catalogue.publish(created["id"])
    assert titles(search(catalogue, q="crues")) == ["Prévision des crues"]
    version = catalogue.client.get(f"/use-cases/{created['id']}").json()["version"]
    response = catalogue.client.post(
        f"/use-cases/{created['id']}/retract",
        json={"message": "Fiche retirée par le porteur."},
        headers={**catalogue.moderator, "If-Match": f'"{version}"'},
    )
    assert response.status_code == 200, response.text
    assert search(catalogue, q="crues")["total"] == 0
    assert search(catalogue, q="crues")["facets"]["domain"] == []


def test_similar_fiches_come_with_why(catalogue: Catalogue, seeded: Databases) -> None:
    fiche = catalogue.client.get("/use-cases/depots-sauvages-paris").json()
    response = catalogue.client.get(f"/use-cases/{fiche['id']}/similar")
    assert response.status_code == 200
    similar = response.json()
    assert len(similar) == 5
    assert fiche["id"] not in [s["use_case"]["id"] for s in similar]
    assert all(not s["same_authority"] for s in similar)
    first = similar[0]
    assert {"field": "Technologie d'IA", "label": "Vision par ordinateur"} in first["shared_codes"]
    assert all(s["shared_codes"] or s["shared_words"] for s in similar)
    # by slug as well
    by_slug = catalogue.client.get("/use-cases/depots-sauvages-paris/similar").json()
    assert by_slug == similar
    assert catalogue.client.get("/use-cases/999999/similar").status_code == 404


def test_a_fiche_is_read_by_its_slug_as_by_its_number(
    catalogue: Catalogue, seeded: Databases
) -> None:
    by_slug = catalogue.client.get("/use-cases/frequentation-piscines-rennes")
    assert by_slug.status_code == 200
    by_id = catalogue.client.get(f"/use-cases/{by_slug.json()['id']}")
    assert by_id.json() == by_slug.json()
    assert by_id.headers["etag"] == by_slug.headers["etag"]
    # a draft's slug is as unknown as an unknown one
    assert catalogue.client.get("/use-cases/optimisation-tournees-marseille").status_code == 404
    bad = catalogue.client.get("/use-cases/Pas%20un%20slug")
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")


def test_the_synonyms_file_follows_its_schema_and_groups_are_disjoint() -> None:
    data = json.loads(SYNONYMS_FILE.read_text("utf-8"))
    schema = json.loads((Path(SYNONYMS_FILE).parent / "synonyms.schema.json").read_text("utf-8"))
    validator = jsonschema_rs.validator_for(schema)
    validator.validate(data)
    # the schema is not a formality: a group of one phrase is refused
    assert not validator.is_valid({**data, "groups": [{"key": "seul", "phrases": ["seul"]}]})
    keys = [group["key"] for group in data["groups"]]
    assert len(keys) == len(set(keys))
    # a phrase in two groups would make the families depend on their order
    seen: dict[tuple[str, ...], str] = {}
    for term, phrases in SYNONYMS.items():
        for phrase in phrases:
            terms = parse_query(phrase).terms
            assert terms == (term,), (phrase, terms)
            assert seen.setdefault(terms, term) == term


# The order computed on SQLite, which PostgreSQL must give too (integer scores, same ties).
RANKED = {
    "vision par ordinateur": [
        "Détection des dépôts sauvages",
        "Détection précoce des départs de feux de forêt",
        "Numérisation des registres d'état civil",
        "Cartographie des îlots de chaleur",
        "Suivi de l'érosion du littoral",
    ],
    "chatbot": [
        "Orientation vers les aides départementales",
        "Assistant conversationnel pour les lycées",
        "Accueil téléphonique assisté",
    ],
}


def test_the_ranking_is_the_same_on_both_databases(catalogue: Catalogue, seeded: Databases) -> None:
    for query, expected in RANKED.items():
        assert titles(search(catalogue, q=query)) == expected, query


def test_a_second_replica_sees_a_publication_at_once(
    catalogue: Catalogue, databases: Databases, client_for: Any
) -> None:
    # Another service process on the same database: the index is the database, nothing to sync.
    replica = client_for("catalogue")
    created, _ = catalogue.propose(**{**COMPLETE, "title": "Prévision des crues"})
    catalogue.publish(created["id"])
    found = replica.get("/use-cases", params={"q": "crues"}).json()
    assert [item["title"] for item in found["items"]] == ["Prévision des crues"]
