"""French full-text search, facets, sort and suggestions: the same answers on both databases.

Every test here runs on SQLite (FTS5) and on PostgreSQL (text search) with the same queries and
the same expected answers, over the demo fiches (sort, pages and drafts over a few fiches of
their own).
"""

from __future__ import annotations

from typing import Any

import pytest

from services.catalogue.ai_act import engine
from services.catalogue.demo_data import DEMO_ANSWERS, DEMO_FICHES
from tests.catalogue.conftest import FicheFactory
from tests.catalogue.support import COMPLETE, Catalogue, titles
from tests.conftest import Databases

PUBLISHED = [fiche for fiche in DEMO_FICHES if fiche.published]


def search(catalogue: Catalogue, **params: Any) -> dict[str, Any]:
    response = catalogue.client.get("/use-cases", params={"limit": 100, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # accents and case ignored, French word forms matched
        (
            "vehicule",
            {
                "Recharge des véhicules électriques de la flotte",
                "Transport à la demande en zone peu dense",
            },
        ),
        ("VÉHICULES ÉLECTRIQUES", {"Recharge des véhicules électriques de la flotte"}),
        ("deliberation", {"Assistant de rédaction des délibérations"}),
        ("piscines", {"Prévision de la fréquentation des piscines"}),
        ("Strasbourg", {"Transcription des séances du conseil"}),
        # curated synonyms: a chatbot is an "agent conversationnel", a callbot too
        (
            "chatbot",
            {
                "Assistant conversationnel pour les lycées",
                "Orientation vers les aides départementales",
                "Accueil téléphonique assisté",
            },
        ),
        # labels are indexed: the other generative assistant is coded "Aide à la rédaction"
        (
            "LLM redaction",
            {"Assistant de rédaction des délibérations", "Assistant génératif pour les agents"},
        ),
        ("zzz-introuvable", set()),
        ("100%_", set()),
    ],
)
def test_french_queries(
    catalogue: Catalogue, seeded: Databases, query: str, expected: set[str]
) -> None:
    body = search(catalogue, q=query)
    assert set(titles(body)) == expected
    assert body["total"] == len(expected)


def test_ia_generative_synonyms_find_the_same_fiches(
    catalogue: Catalogue, seeded: Databases
) -> None:
    answers = [
        set(titles(search(catalogue, q=q)))
        for q in ("IA générative", "LLM", "ChatGPT", "grand modèle de langage")
    ]
    assert answers[0]
    assert all(answer == answers[0] for answer in answers)


def test_the_title_ranks_first_and_snippets_mark_the_words(
    catalogue: Catalogue, seeded: Databases
) -> None:
    body = search(catalogue, q="fuites eau")
    assert titles(body)[0] == "Détection des fuites sur le réseau d'eau"
    marked = [s["text"] for s in body["items"][0]["snippet"] if s["match"]]
    assert "fuite" in [word.lower() for word in marked]


def test_facets_count_and_combine(catalogue: Catalogue, seeded: Databases) -> None:
    everything = search(catalogue)
    assert everything["total"] == len(PUBLISHED)
    domains = {f["code"]: f["count"] for f in everything["facets"]["domain"]}
    assert domains["action_sociale"] == sum(1 for f in PUBLISHED if f.domain == "action_sociale")
    regions = {f["label"]: f["count"] for f in everything["facets"]["region"]}
    assert regions["Bretagne"] >= 2
    kinds = {f["code"] for f in everything["facets"]["local_authority_kind"]}
    assert kinds == {"commune", "epci", "departement", "region"}

    combined = search(catalogue, domain="action_sociale", ai_act_class="haut_risque")
    expected = {
        f.title
        for f in PUBLISHED
        if f.domain == "action_sociale" and f.ai_act_class == "haut_risque"
    }
    assert set(titles(combined)) == expected
    # A filtered facet still offers its other values, counted under the other filters.
    social = [f for f in PUBLISHED if f.domain == "action_sociale"]
    classes = {f["code"]: f["count"] for f in combined["facets"]["ai_act_class"]}
    assert classes == {
        c: sum(1 for f in social if f.ai_act_class == c) for c in {f.ai_act_class for f in social}
    }
    assert classes["haut_risque"] == len(expected)
    # Other facets count the results themselves.
    assert sum(f["count"] for f in combined["facets"]["project_status"]) == len(expected)

    either = search(catalogue, domain=["action_sociale", "education"])
    assert either["total"] == sum(
        1 for f in PUBLISHED if f.domain in ("action_sociale", "education")
    )

    crpa = search(catalogue, individual_decisions="oui")
    assert set(titles(crpa)) == {f.title for f in PUBLISHED if f.individual_decisions}
    decisions = {f["code"]: f["count"] for f in everything["facets"]["individual_decisions"]}
    assert decisions == {
        "oui": sum(1 for f in PUBLISHED if f.individual_decisions),
        "non": sum(1 for f in PUBLISHED if not f.individual_decisions),
    }

    text_and_facets = search(catalogue, q="aides", domain="action_sociale", region="75")
    assert titles(text_and_facets) == ["Orientation vers les aides départementales"]


def test_sort_by_name_and_date(catalogue: Catalogue, fiche: FicheFactory) -> None:
    for title in ("Prévision des crues", "accueil téléphonique", "Tri des courriers"):
        fiche(title=title)
    by_name = titles(search(catalogue, tri="nom"))
    assert by_name == sorted(by_name, key=str.casefold)
    by_date = search(catalogue, tri="date")["items"]
    dates = [item["published_at"] for item in by_date]
    assert dates == sorted(dates, reverse=True)


def test_pages_cover_the_whole_list_once(catalogue: Catalogue, fiche: FicheFactory) -> None:
    published = [fiche(title=f"Fiche numéro {number}").title for number in range(5)]
    pages = [search(catalogue, limit=2, offset=offset) for offset in range(0, len(published), 2)]
    seen = [title for page in pages for title in titles(page)]
    assert sorted(seen) == sorted(published)


def test_suggestions_while_typing(catalogue: Catalogue, seeded: Databases) -> None:
    response = catalogue.client.get("/use-cases/suggestions", params={"q": "prevision pisc"})
    assert [item["title"] for item in response.json()] == [
        "Prévision de la fréquentation des piscines"
    ]
    assert catalogue.client.get("/use-cases/suggestions", params={"q": "le"}).json() == []


def test_drafts_are_never_found(catalogue: Catalogue, fiche: FicheFactory) -> None:
    fiche(published=False, title="Optimiser les tournées de collecte des déchets")
    fiche(title="Prévision des crues")
    assert search(catalogue, q="tournees collecte")["total"] == 0
    assert search(catalogue, q="crues")["total"] == 1  # while a published fiche is found


def test_art50_obligations_facet_counts_each_code_and_filters(
    catalogue: Catalogue, seeded: Databases
) -> None:
    both = ["marquage_contenu_synthetique", "information_agent_conversationnel"]
    created, _ = catalogue.propose(
        **{
            **COMPLETE,
            "title": "Rédiger les comptes rendus des conseils",
            "domain": "administration_generale",
            "ai_act_class": "transparence_art50",
            # a code given twice still counts once
            "art50_obligations": [*both, "marquage_contenu_synthetique"],
        }
    )
    catalogue.publish(created["id"])
    # The demo fiches' duties come from their qualification (demo_qualifications.json).
    demo = {f.title: set(engine.qualify(DEMO_ANSWERS[f.slug]).tagged("art50")) for f in PUBLISHED}
    assert any("information_agent_conversationnel" in codes for codes in demo.values())
    expected = {
        code: sum(code in codes for codes in demo.values()) + 1
        for code in ("information_agent_conversationnel", "marquage_contenu_synthetique")
    }

    everything = search(catalogue)
    facet = {f["code"]: f for f in everything["facets"]["art50_obligations"]}
    counts = {code: f["count"] for code, f in facet.items()}
    assert {code: counts.get(code) for code in expected} == expected
    assert facet["marquage_contenu_synthetique"]["label"] == "Marquer les contenus générés"

    marked = search(catalogue, art50_obligations="marquage_contenu_synthetique")
    marking = {title for title, codes in demo.items() if "marquage_contenu_synthetique" in codes}
    assert set(titles(marked)) == {"Rédiger les comptes rendus des conseils", *marking}
    # A filtered facet still offers its other values, counted under the other filters.
    assert {f["code"]: f["count"] for f in marked["facets"]["art50_obligations"]} == counts
    assert sum(f["count"] for f in marked["facets"]["domain"]) == len(marking) + 1

    # OR within the facet, AND with the others.
    either = search(catalogue, art50_obligations=both)
    concerned = {title for title, codes in demo.items() if codes & set(both)}
    assert set(titles(either)) == {*concerned, "Rédiger les comptes rendus des conseils"}
    social = search(catalogue, art50_obligations=both, domain="action_sociale")
    in_social = {
        f.title for f in PUBLISHED if f.title in concerned and f.domain == "action_sociale"
    }
    assert set(titles(social)) == in_social
    # Under the domain filter, the facet counts that domain's fiches only.
    social_counts = {f["code"]: f["count"] for f in social["facets"]["art50_obligations"]}
    assert social_counts == {
        code: n for code in both if (n := sum(code in demo[title] for title in in_social))
    }

    assert (
        catalogue.client.get("/use-cases", params={"art50_obligations": "inconnue"}).status_code
        == 422
    )
