"""Controlled vocabularies of the fiche: stable codes (never renamed) and their French labels.

`FIELDS` is the one declaration of the coded fields (name, kind, codes, labels, facet): the
columns copied, the facets and their columns, the search's labels, the published JSON Schema's
enums and the front end's coded fields (a generated file) are all drawn from it, and a test
checks that the model's columns match it.

Sources: the consolidated field list of the reference (PSTW application types, UK capabilities,
CRPA automation levels, AI Act classes and Annex III areas). A code, once published, is kept:
labels may be reworded, codes may not change meaning.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from services.catalogue.vocabularies.codes import (
    ACQUISITION_MODE,
    AI_ACT_CLASS,
    AI_ACT_ROLE,
    AI_TECHNOLOGY,
    ALGORITHM_TYPE,
    ANNEX_III_AREA,
    APPLICATION_TYPE,
    ART50_OBLIGATION,
    AUTOMATION_LEVEL,
    DOMAIN,
    HOSTING,
    INDIVIDUAL_DECISIONS,
    INTERACTION,
    LOCAL_AUTHORITY_KIND,
    PERSONAL_DATA,
    PROJECT_STATUS,
    REUSABILITY,
    Vocabulary,
)

VOCABULARIES_VERSION = "1.0.0"

Kind = Literal["code", "codes", "boolean", "derived"]


@dataclass(frozen=True)
class CodedField:
    """A field of the fiche that takes codes: the one place that declares it.

    `kind`: "code", one code typed by the contributor (a String(40) column copies it);
    "codes", a list of codes (the column `column` holds them as "|a|b|"); "boolean", a yes/no
    answer whose facet codes are "oui" and "non"; "derived", set from the territories reference.
    `label` is the form's, `description` the published JSON Schema's, `facet` the search page's.
    """

    name: str
    kind: Kind
    codes: Vocabulary
    label: str
    description: str
    facet: str
    column: str | None = None


# The order is that of the vocabularies (GET /vocabularies) and of the facets of a search.
FIELDS: Final[tuple[CodedField, ...]] = (
    CodedField("domain", "code", DOMAIN, "Domaine fonctionnel", "Domaine fonctionnel.", "Domaine"),
    CodedField(
        "application_type",
        "code",
        APPLICATION_TYPE,
        "Type d'application",
        "Type d'application.",
        "Type d'application",
    ),
    CodedField(
        "ai_technology",
        "code",
        AI_TECHNOLOGY,
        "Technologie d'IA",
        "Technologie d'IA.",
        "Technologie d'IA",
    ),
    CodedField(
        "ai_act_class",
        "code",
        AI_ACT_CLASS,
        "Qualification au titre du règlement européen sur l'IA",
        "Qualification au titre du règlement sur l'IA.",
        "Règlement européen sur l'IA",
    ),
    CodedField(
        "project_status",
        "code",
        PROJECT_STATUS,
        "Statut du projet",
        "Statut du projet.",
        "Statut du projet",
    ),
    CodedField(
        "reusability", "code", REUSABILITY, "Réutilisable ?", "Réutilisable ?", "Réutilisation"
    ),
    CodedField(
        "automation_level",
        "code",
        AUTOMATION_LEVEL,
        "Niveau d'automatisation",
        "Niveau d'automatisation.",
        "Niveau d'automatisation",
    ),
    CodedField(
        "personal_data",
        "code",
        PERSONAL_DATA,
        "Données personnelles",
        "Données personnelles.",
        "Données personnelles",
    ),
    CodedField("interaction", "code", INTERACTION, "Interaction", "Interaction.", "Interaction"),
    CodedField(
        "algorithm_type",
        "code",
        ALGORITHM_TYPE,
        "Type d'algorithme",
        "Type d'algorithme.",
        "Type d'algorithme",
    ),
    CodedField("hosting", "code", HOSTING, "Hébergement", "Hébergement.", "Hébergement"),
    CodedField(
        "acquisition_mode",
        "code",
        ACQUISITION_MODE,
        "Mode d'acquisition",
        "Mode d'acquisition.",
        "Mode d'acquisition",
    ),
    CodedField(
        "annex_iii_area",
        "code",
        ANNEX_III_AREA,
        "Domaine de l'annexe III (haut risque)",
        "Domaine de l'annexe III (haut risque).",
        "Annexe III (haut risque)",
    ),
    CodedField(
        "ai_act_role",
        "code",
        AI_ACT_ROLE,
        "Rôle au titre du règlement",
        "Rôle au titre du règlement sur l'IA.",
        "Rôle (règlement IA)",
    ),
    CodedField(
        "art50_obligations",
        "codes",
        ART50_OBLIGATION,
        "Obligations de transparence (article 50 du règlement sur l'IA)",
        "Obligations de l'article 50.",
        "Transparence (art. 50 du règlement IA)",
        column="art50_codes",
    ),
    CodedField(
        "local_authority_kind",
        "derived",
        LOCAL_AUTHORITY_KIND,
        "Type de collectivité",
        "Type du porteur, pour une région dont le code est aussi celui d'un département "
        "(53 : région Bretagne).",
        "Type de collectivité",
    ),
    CodedField(
        "individual_decisions",
        "boolean",
        INDIVIDUAL_DECISIONS,
        "Fonde des décisions individuelles (CRPA L312-1-3)",
        "Fonde des décisions individuelles (CRPA L312-1-3).",
        "Décisions individuelles (CRPA)",
    ),
)

BY_NAME: Final[dict[str, CodedField]] = {field.name: field for field in FIELDS}

# field of the fiche -> its vocabulary, by kind
CODED_FIELDS: Final[dict[str, Vocabulary]] = {f.name: f.codes for f in FIELDS if f.kind == "code"}
CODED_LIST_FIELDS: Final[dict[str, Vocabulary]] = {
    f.name: f.codes for f in FIELDS if f.kind == "codes"
}
ALL: Final[dict[str, Vocabulary]] = {field.name: field.codes for field in FIELDS}

# Columns copied from the content as they are: the single codes and the yes/no answer.
COPIED_COLUMNS: Final[tuple[str, ...]] = tuple(
    f.name for f in FIELDS if f.kind in ("code", "boolean")
)
# Facets that are territories of the porteur (labelled by the territories reference).
TERRITORY_FACETS: Final[dict[str, str]] = {"region": "Région", "departement": "Département"}
# Columns that facets count, in the order of a search's facets; the boolean one is last
# (search.py relies on it): its codes are "oui" and "non".
FACET_COLUMNS: Final[tuple[str, ...]] = (
    *CODED_FIELDS,
    *(f.name for f in FIELDS if f.kind == "derived"),
    *TERRITORY_FACETS,
    *(f.name for f in FIELDS if f.kind == "boolean"),
)
# Facets of a list of codes: facet name -> the column holding its codes as "|code|code|"
# (a fiche counts once for each code it holds; a filter matches a fiche holding any of its codes).
LIST_FACET_COLUMNS: Final[dict[str, str]] = {
    f.name: f.column for f in FIELDS if f.kind == "codes" and f.column
}
# The facets of the search page, in the order it shows them.
FACETS_SHOWN: Final[tuple[str, ...]] = (
    "domain",
    "ai_technology",
    "application_type",
    "ai_act_class",
    "art50_obligations",
    "project_status",
    "reusability",
    "individual_decisions",
    "local_authority_kind",
    "region",
    "departement",
    "automation_level",
    "personal_data",
    "hosting",
    "interaction",
    "algorithm_type",
    "acquisition_mode",
    "annex_iii_area",
    "ai_act_role",
)


def facet_title(name: str) -> str:
    return TERRITORY_FACETS.get(name) or BY_NAME[name].facet


def label(field: str, code: str | None) -> str:
    """The French label of `code` in the vocabulary of `field` ('' when absent)."""
    if code is None:
        return ""
    return ALL[field].get(code, code)
