"""Why a fiche was found: the excerpt where the words matched, and the labels that matched.

A fiche found by a label of its coded fields ("déchets" → its domain "Déchets et propreté") or
by its porteur's name or territory says so ("Domaine : Déchets et propreté"), since no excerpt
of its text would show it.
"""

from __future__ import annotations

import functools
from typing import Any, Final

from services.catalogue import vocabularies
from services.catalogue.french_text import best_snippet, term_spans
from services.catalogue.models import UseCase
from services.catalogue.search.engine import facet_label

# The titles of the matched fields, as the page shows them.
FIELD_TITLES: Final[dict[str, str]] = {
    "domain": "Domaine",
    "application_type": "Type d'application",
    "ai_technology": "Technologie d'IA",
    "ai_act_class": "Règlement européen sur l'IA",
    "annex_iii_area": "Annexe III (haut risque)",
    "project_status": "Statut du projet",
    "art50_obligations": "Transparence (art. 50)",
    "local_authority_kind": "Type de collectivité",
    "local_authority_name": "Collectivité",
    "departement": "Département",
    "region": "Région",
}


@functools.lru_cache(maxsize=4096)
def label_terms(text: str) -> frozenset[str]:
    return frozenset(term for _start, _end, term in term_spans(text))


def label_values(row: UseCase) -> list[tuple[str, str]]:
    """(field, label) of the labelled values of a result row."""
    values: list[tuple[str, str]] = []
    for name in ("domain", "application_type", "ai_technology", "ai_act_class"):
        code = getattr(row, name)
        if code:
            values.append((name, vocabularies.label(name, code)))
    if row.annex_iii_area:
        values.append(("annex_iii_area", vocabularies.label("annex_iii_area", row.annex_iii_area)))
    if row.project_status:
        values.append(("project_status", vocabularies.label("project_status", row.project_status)))
    for code in (row.art50_codes or "").strip("|").split("|"):
        if code:
            values.append(("art50_obligations", vocabularies.label("art50_obligations", code)))
    if row.local_authority_name:
        values.append(("local_authority_name", row.local_authority_name))
    if row.local_authority_kind:
        values.append(
            (
                "local_authority_kind",
                vocabularies.label("local_authority_kind", row.local_authority_kind),
            )
        )
    for name in ("departement", "region"):
        code = getattr(row, name)
        if code:
            values.append((name, facet_label(name, code)))
    return values


def matched_labels(row: UseCase, wanted: set[str]) -> list[dict[str, str]]:
    """The labelled fields of `row` holding a term of the query: {field, label}."""
    return [
        {"field": FIELD_TITLES[name], "label": label}
        for name, label in label_values(row)
        if label_terms(label) & wanted
    ]


def explained(row: UseCase, wanted: set[str]) -> dict[str, Any]:
    """The excerpt of the summary (or title) with the words marked, and the labels matched."""
    return {
        "snippet": best_snippet([row.summary, row.title], wanted),
        "matched": matched_labels(row, wanted),
    }
