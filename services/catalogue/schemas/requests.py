"""What the routes read besides a fiche's content: a proposal, the search and queue queries,
a moderator's decision."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator
from pydantic_core import PydanticCustomError

from services.catalogue import search, vocabularies
from services.catalogue.fiche import UseCaseFields
from services.catalogue.models import UseCaseStatus
from services.common.pagination import PageQuery
from services.common.text import InputModel, refuse_nul

# ASCII addresses only: what every SMTP server and mail header accepts as is.
EMAIL_PATTERN = r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$"

_TERRITORY_CODE = r"^(\d{2,3}|2[AB])$"
# A filter's values: codes of a vocabulary or of the territories reference.
MAX_FILTER_VALUES = 50
QueryCode = Annotated[str, StringConstraints(max_length=100)]


class Proposal(UseCaseFields):
    """A new fiche: its content (complete or not) and where to send the private edit link."""

    title: str = Field(min_length=3, max_length=150, description="Titre.")
    submitter_email: str = Field(
        max_length=320,
        description="Adresse qui reçoit le lien de modification (jamais publiée).",
        pattern=EMAIL_PATTERN,
    )


class UseCaseSelection(BaseModel):
    """Which published fiches: the text searched and the facet filters, as the search reads
    them and as a feed of a saved search repeats them."""

    model_config = ConfigDict(extra="forbid")

    _no_nul = field_validator("*", mode="after")(refuse_nul)

    q: str | None = Field(
        None, max_length=200, description="Texte cherché (français, sans accents requis)."
    )
    domain: list[QueryCode] = Field(
        default_factory=list,
        max_length=MAX_FILTER_VALUES,
        description="Domaine fonctionnel (codes).",
    )
    application_type: list[QueryCode] = Field(default_factory=list, max_length=MAX_FILTER_VALUES)
    ai_technology: list[QueryCode] = Field(default_factory=list, max_length=MAX_FILTER_VALUES)
    ai_act_class: list[QueryCode] = Field(default_factory=list, max_length=MAX_FILTER_VALUES)
    project_status: list[QueryCode] = Field(default_factory=list, max_length=MAX_FILTER_VALUES)
    reusability: list[QueryCode] = Field(default_factory=list, max_length=MAX_FILTER_VALUES)
    automation_level: list[QueryCode] = Field(default_factory=list, max_length=MAX_FILTER_VALUES)
    personal_data: list[QueryCode] = Field(default_factory=list, max_length=MAX_FILTER_VALUES)
    interaction: list[QueryCode] = Field(default_factory=list, max_length=MAX_FILTER_VALUES)
    algorithm_type: list[QueryCode] = Field(default_factory=list, max_length=MAX_FILTER_VALUES)
    hosting: list[QueryCode] = Field(default_factory=list, max_length=MAX_FILTER_VALUES)
    acquisition_mode: list[QueryCode] = Field(default_factory=list, max_length=MAX_FILTER_VALUES)
    annex_iii_area: list[QueryCode] = Field(default_factory=list, max_length=MAX_FILTER_VALUES)
    ai_act_role: list[QueryCode] = Field(default_factory=list, max_length=MAX_FILTER_VALUES)
    local_authority_kind: list[QueryCode] = Field(
        default_factory=list, max_length=MAX_FILTER_VALUES, description="Type de collectivité."
    )
    region: list[QueryCode] = Field(
        default_factory=list, max_length=MAX_FILTER_VALUES, description="Code INSEE de région."
    )
    departement: list[QueryCode] = Field(
        default_factory=list, max_length=MAX_FILTER_VALUES, description="Code INSEE de département."
    )
    local_authority_code: list[QueryCode] = Field(
        default_factory=list,
        max_length=MAX_FILTER_VALUES,
        description="SIREN ou code INSEE du porteur.",
    )
    individual_decisions: list[QueryCode] = Field(
        default_factory=list,
        max_length=MAX_FILTER_VALUES,
        description="oui : fonde des décisions individuelles (CRPA).",
    )
    art50_obligations: list[QueryCode] = Field(
        default_factory=list,
        max_length=MAX_FILTER_VALUES,
        description="Obligations de transparence de l'article 50 (codes) : une fiche en a une ou plusieurs.",
    )

    @field_validator(
        *vocabularies.CODED_FIELDS,
        *vocabularies.CODED_LIST_FIELDS,
        "local_authority_kind",
        "individual_decisions",
        mode="after",
    )
    @classmethod
    def _known_codes(cls, values: list[str], info: Any) -> list[str]:
        vocabulary = vocabularies.ALL[info.field_name]
        for value in values:
            if value not in vocabulary:
                raise PydanticCustomError("unknown_code", "code inconnu ; voir GET /vocabularies")
        return values

    @field_validator("region", "departement", mode="after")
    @classmethod
    def _territory_codes(cls, values: list[str]) -> list[str]:
        for value in values:
            if not re.fullmatch(_TERRITORY_CODE, value):
                raise PydanticCustomError("bad_code", "code INSEE attendu (2 ou 3 caractères)")
        return values

    def filters(self) -> dict[str, list[str]]:
        names = [
            *vocabularies.FACET_COLUMNS,
            "local_authority_code",
            *vocabularies.LIST_FACET_COLUMNS,
        ]
        return {name: getattr(self, name) for name in names}


class UseCaseQuery(PageQuery, UseCaseSelection):
    tri: search.Sort | None = Field(None, description="Tri : pertinence (avec q), date ou nom.")


class SuggestionQuery(BaseModel):
    q: str = Field(min_length=1, max_length=100, description="Début de recherche.")


class QueueQuery(PageQuery):
    status: UseCaseStatus | None = Field(
        None, description="Un statut ; sans lui, ce qui attend une relecture."
    )


class Decision(InputModel):
    message: str | None = Field(
        None, max_length=5000, description="Message au contributeur, ou note publique."
    )


class MessageRequired(InputModel):
    message: str = Field(min_length=3, max_length=5000, description="Message au contributeur.")
