"""The content of a fiche (blocks A to F of the reference) and the rules to publish it.

Every field is optional while the fiche is a draft: a contributor may save an incomplete fiche.
`QUICK_PUBLICATION` lists what a publication needs (the "quick scan" subset); the rest enriches.
Coded fields take a code of `vocabularies`; the porteur is a code of the territories reference.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Final

from pydantic import ConfigDict, StringConstraints, field_validator
from pydantic_core import PydanticCustomError
from sqlmodel import Field

from services.catalogue import vocabularies
from services.common.territories.search import Territory, get_index
from services.common.text import InputModel, refuse_nul

SCHEMA_VERSION = "1.0.0"

# SIREN of a commune, EPCI or EPT; INSEE code of a département (2A, 971…) or a région.
LOCAL_AUTHORITY_CODE = r"^(\d{9}|\d{2}|2[AB]|97\d)$"
URL_PATTERN = r"^https?://[^\s]+$"
MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
# Items of the list fields, bounded in the schema as the validators below bound them.
Keyword = Annotated[str, StringConstraints(max_length=60)]
TerritoryCode = Annotated[str, StringConstraints(max_length=9)]
CodeText = Annotated[str, StringConstraints(max_length=100)]


def _coded(field: str) -> Any:
    """A coded field as `vocabularies.FIELDS` declares it: its description and its codes."""
    declared = vocabularies.BY_NAME[field]
    if declared.kind == "codes":
        return Field(
            None,
            max_length=5,
            description=declared.description,
            schema_extra={"json_schema_extra": {"items": {"enum": list(declared.codes)}}},
        )
    if declared.kind == "boolean":
        return Field(None, description=declared.description)
    return Field(
        None,
        description=declared.description,
        schema_extra={"json_schema_extra": {"enum": [*declared.codes, None]}},
    )


def _text(max_length: int, description: str) -> Any:
    return Field(None, max_length=max_length, description=description)


def _url(description: str) -> Any:
    return Field(
        None, max_length=500, description=description, schema_extra={"pattern": URL_PATTERN}
    )


class UseCaseFields(InputModel):
    """What a contributor writes; every field may wait until publication."""

    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    # A. Identification
    title: str | None = Field(
        None,
        min_length=3,
        max_length=150,
        description="Titre, commençant par un verbe si possible.",
    )
    summary: str | None = Field(
        None, min_length=10, max_length=600, description="Résumé en langage clair."
    )
    description: str | None = _text(
        10_000,
        "Description : le processus, pourquoi une IA, ce qu'elle fait, ses effets, les garde-fous.",
    )
    project_status: str | None = _coded("project_status")
    start_date: str | None = Field(
        None, max_length=7, description="Début (AAAA-MM).", schema_extra={"pattern": MONTH_PATTERN}
    )
    end_date: str | None = Field(
        None, max_length=7, description="Fin (AAAA-MM).", schema_extra={"pattern": MONTH_PATTERN}
    )
    keywords: list[Keyword] | None = Field(None, max_length=20, description="Mots-clés.")
    revision_date: str | None = Field(
        None,
        max_length=7,
        description="Prochaine révision (AAAA-MM).",
        schema_extra={"pattern": MONTH_PATTERN},
    )
    # B. Porteur
    local_authority_kind: str | None = _coded("local_authority_kind")
    local_authority_code: str | None = Field(
        None,
        max_length=9,
        description="SIREN (commune, EPCI, EPT) ou code INSEE (département, région) du porteur.",
        schema_extra={"pattern": LOCAL_AUTHORITY_CODE},
    )
    partner_codes: list[TerritoryCode] | None = Field(
        None, max_length=50, description="Collectivités partenaires (SIREN ou code INSEE)."
    )
    department_service: str | None = _text(200, "Direction ou service.")
    contact_url: str | None = _url("Contact public : formulaire ou page de la collectivité.")
    # C. Cas d'usage
    domain: str | None = _coded("domain")
    application_type: str | None = _coded("application_type")
    interaction: str | None = _coded("interaction")
    goal: str | None = _text(5000, "Finalité.")
    decision_process: str | None = _text(5000, "Place dans le processus de décision.")
    previous_process: str | None = _text(5000, "Processus précédent.")
    expected_benefits: str | None = _text(5000, "Bénéfices attendus.")
    measured_results: str | None = _text(5000, "Résultats mesurés.")
    alternatives: str | None = _text(5000, "Alternatives envisagées.")
    target_public: str | None = _text(1000, "Public concerné.")
    yearly_volume: int | None = Field(
        None, ge=0, le=1_000_000_000, description="Décisions ou usagers par an."
    )
    # D. Conformité
    individual_decisions: bool | None = _coded("individual_decisions")
    automation_level: str | None = _coded("automation_level")
    explicit_mention_url: str | None = _url("Mention explicite (CRPA L311-3-1).")
    legal_basis: str | None = _text(2000, "Fondements juridiques.")
    ai_act_class: str | None = _coded("ai_act_class")
    ai_act_role: str | None = _coded("ai_act_role")
    annex_iii_area: str | None = _coded("annex_iii_area")
    art50_obligations: list[CodeText] | None = _coded("art50_obligations")
    fria_done: bool | None = Field(
        None, description="Analyse d'impact sur les droits fondamentaux réalisée."
    )
    eu_database_url: str | None = _url("Enregistrement dans la base de l'UE.")
    personal_data: str | None = _coded("personal_data")
    processing_register_url: str | None = _url("Registre des traitements.")
    impact_assessments: str | None = _text(5000, "Analyses d'impact (AIPD, FRIA…).")
    risks: str | None = _text(5000, "Risques et mesures.")
    bias_mitigation: str | None = _text(5000, "Biais et non-discrimination.")
    human_oversight: str | None = _text(5000, "Supervision humaine.")
    recourse: str | None = _text(2000, "Recours et contestation.")
    # E. Technique et données
    ai_technology: str | None = _coded("ai_technology")
    algorithm_type: str | None = _coded("algorithm_type")
    models: str | None = _text(5000, "Modèles (nom, version, fournisseur, licence).")
    data_sources: str | None = _text(5000, "Données utilisées.")
    hosting: str | None = _coded("hosting")
    suppliers: str | None = _text(2000, "Fournisseurs et leur rôle.")
    acquisition_mode: str | None = _coded("acquisition_mode")
    # F. Réutilisation
    reusability: str | None = _coded("reusability")
    source_code_url: str | None = _url("Code source.")
    code_licence: str | None = _text(100, "Licence du code (SPDX).")
    documents: str | None = _text(5000, "Documents (logigramme, cahier des charges, prompts…).")
    cost: str | None = _text(1000, "Coût (investissement, fonctionnement, ETP).")
    implementation_duration: str | None = _text(200, "Durée de mise en œuvre.")
    lessons_learned: str | None = _text(10_000, "Retour d'expérience.")
    peer_contact: bool | None = Field(None, description="Accepte d'être contacté par des pairs.")

    @field_validator(*vocabularies.CODED_FIELDS, mode="after")
    @classmethod
    def _known_code(cls, value: str | None, info: Any) -> str | None:
        vocabulary = vocabularies.CODED_FIELDS[info.field_name]
        if value is not None and value not in vocabulary:
            raise PydanticCustomError(
                "unknown_code",
                "code inconnu ; voir GET /vocabularies ({field})",
                {"field": info.field_name},
            )
        return value

    @field_validator("art50_obligations", mode="after")
    @classmethod
    def _known_codes(cls, value: list[str] | None) -> list[str] | None:
        for code in value or []:
            if code not in vocabularies.ALL["art50_obligations"]:
                raise PydanticCustomError("unknown_code", "code inconnu : voir GET /vocabularies")
        return value

    @field_validator("keywords", mode="after")
    @classmethod
    def _short_keywords(cls, value: list[str] | None) -> list[str] | None:
        for keyword in value or []:
            refuse_nul(keyword)
            if not 1 <= len(keyword) <= 60:
                raise PydanticCustomError(
                    "keyword_length", "un mot-clé compte de 1 à 60 caractères"
                )
        return value

    @field_validator("local_authority_kind", mode="after")
    @classmethod
    def _known_kind(cls, value: str | None) -> str | None:
        if value is not None and value not in vocabularies.ALL["local_authority_kind"]:
            raise PydanticCustomError("unknown_code", "code inconnu ; voir GET /vocabularies")
        return value

    @field_validator("local_authority_code", mode="after")
    @classmethod
    def _existing_territory(cls, value: str | None, info: Any) -> str | None:
        kind = info.data.get("local_authority_kind")
        if value is not None and find_local_authority(value, kind) is None:
            raise PydanticCustomError(
                "unknown_territory", "aucune collectivité de ce type n'a ce code"
            )
        return value

    @field_validator("partner_codes", mode="after")
    @classmethod
    def _existing_partners(cls, value: list[str] | None) -> list[str] | None:
        for code in value or []:
            if not re.fullmatch(LOCAL_AUTHORITY_CODE, code) or find_local_authority(code) is None:
                raise PydanticCustomError(
                    "unknown_territory",
                    "aucune collectivité n'a le code {code}",
                    {"code": code[:20]},
                )
        return value


def find_local_authority(code: str, kind: str | None = None) -> Territory | None:
    """The local authority with this SIREN or INSEE code (a 2-digit code: the département,
    unless `kind` says région)."""
    return get_index().lookup(code, kind=kind)  # type: ignore[arg-type]


# ★ fields: enough to publish (the "quick publication" of the reference).
QUICK_PUBLICATION: Final[tuple[str, ...]] = (
    "title",
    "summary",
    "project_status",
    "local_authority_code",
    "domain",
    "application_type",
    "individual_decisions",
    "ai_act_class",
    "ai_technology",
    "reusability",
)

FIELD_NAMES: Final[tuple[str, ...]] = tuple(UseCaseFields.model_fields)


def publication_errors(content: dict[str, Any]) -> list[dict[str, Any]]:
    """What stops `content` from being published, one error per field (empty: publishable)."""
    errors = [
        {"loc": ["body", name], "msg": "champ requis pour publier", "type": "missing"}
        for name in QUICK_PUBLICATION
        if content.get(name) in (None, "", [])
    ]
    if content.get("ai_act_class") == "haut_risque" and not content.get("annex_iii_area"):
        errors.append(
            {
                "loc": ["body", "annex_iii_area"],
                "msg": "domaine de l'annexe III requis pour un système à haut risque",
                "type": "missing",
            }
        )
    return errors


def completeness(content: dict[str, Any]) -> int:
    """Share of the fields filled, in percent (shown as provenance)."""
    filled = sum(1 for name in FIELD_NAMES if content.get(name) not in (None, "", []))
    return round(100 * filled / len(FIELD_NAMES))
