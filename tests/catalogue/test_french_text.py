"""The French terms both databases index: the same for a text and for a query about it."""

from __future__ import annotations

import pytest

from services.catalogue.french_text import best_snippet, index_terms, parse_query


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("Recharge des véhicules électriques", "vehicule electrique"),
        ("Les délibérations du conseil", "DELIBERATION"),
        ("Œuvres d'art numérisées", "oeuvre numerisee"),
        ("Un agent conversationnel répond aux familles", "chatbot"),
        ("Assistant fondé sur un grand modèle de langage", "LLM"),
        ("Lecture par OCR des registres", "reconnaissance optique de caractères"),
    ],
)
def test_a_query_finds_the_text_it_is_about(text: str, query: str) -> None:
    indexed = set(index_terms(text).split())
    assert set(parse_query(query).terms) <= indexed


def test_stop_words_and_punctuation_are_not_terms() -> None:
    assert parse_query("le, la : des !").terms == ()
    assert parse_query("100%_").terms == ("100",)


def test_a_synonym_phrase_is_one_term() -> None:
    assert parse_query("IA générative pour les écoles").terms == ("zsyniagen", "ecol")


def test_snippets_mark_the_matched_words_as_written() -> None:
    segments = best_snippet(["", "Planifier la recharge des Véhicules."], parse_query("vehicule"))
    assert [s["text"] for s in segments if s["match"]] == ["Véhicules"]
    assert "".join(str(s["text"]) for s in segments) == "Planifier la recharge des Véhicules."
