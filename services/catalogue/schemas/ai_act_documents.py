"""What the AI Act documents read and answer: the FRIA form (Art. 27) with its DPIA screening,
the EU database registration pack (Annex VIII, Section C) and the CRPA's explicit mention."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator
from pydantic_core import PydanticCustomError

from services.catalogue.ai_act import dpia
from services.catalogue.ai_act.references import load
from services.catalogue.fiche import URL_PATTERN
from services.common.text import refuse_nul

Code = Annotated[str, StringConstraints(max_length=40)]
State = Literal["draft", "complete"]


def _text(max_length: int, description: str) -> Any:
    return Field(None, max_length=max_length, description=description)


def _url(description: str) -> Any:
    return Field(None, max_length=500, pattern=URL_PATTERN, description=description)


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")

    _no_nul = field_validator("*", mode="after")(refuse_nul)


class FriaElements(_Input):
    """The elements of Art. 27(1)(a)–(f)."""

    processes: str | None = _text(5000, "(a) Processus dans lesquels le système est utilisé.")
    period_frequency: str | None = _text(2000, "(b) Période et fréquence d'utilisation.")
    persons: str | None = _text(5000, "(c) Catégories de personnes et groupes concernés.")
    risks: str | None = _text(5000, "(d) Risques spécifiques de préjudice.")
    oversight: str | None = _text(5000, "(e) Mesures de contrôle humain.")
    measures: str | None = _text(
        5000, "(f) Mesures si les risques se matérialisent, gouvernance et plaintes."
    )


class RightAssessment(_Input):
    """One right of the Charter, gone through: at stake or not, and why."""

    code: Code = Field(description="Code du droit (voir `reference.rights`).")
    at_stake: Literal["oui", "non", "a_examiner"]
    note: str | None = _text(2000, "Pourquoi, et ce qui est prévu.")

    @field_validator("code", mode="after")
    @classmethod
    def _known_right(cls, value: str) -> str:
        if value not in {right["code"] for right in load("fria")["rights"]}:
            raise PydanticCustomError("unknown_code", "droit inconnu de la liste de la Charte")
        return value


class DpiaSection(_Input):
    """The DPIA (AIPD): its screening (None: not done yet), and the link Art. 27(4) asks for."""

    criteria: list[Code] | None = Field(
        None, max_length=9, description="Critères WP248 remplis (None : repérage à faire)."
    )
    cnil_types: list[Code] | None = Field(
        None, max_length=14, description="Types de traitement de la liste de la CNIL concernés."
    )
    url: str | None = _url("Adresse de l'AIPD (ou du registre qui la porte).")
    summary: str | None = _text(5000, "Résumé de l'AIPD (annexe VIII, section C, point 5).")

    @field_validator("criteria", "cnil_types", mode="after")
    @classmethod
    def _known_codes(cls, value: list[str] | None, info: Any) -> list[str] | None:
        known = dpia.codes("criteria" if info.field_name == "criteria" else "cnil_list")
        unknown = sorted(set(value or []) - known)
        if unknown:
            raise PydanticCustomError(
                "unknown_code", "code inconnu : {codes}", {"codes": ", ".join(unknown)[:200]}
            )
        return value


class DeployerSection(_Input):
    """Who registers (Annex VIII, Section C, points 1 to 3): never published by the catalogue."""

    address: str | None = _text(500, "Adresse postale du déployeur.")
    contact: str | None = _text(500, "Coordonnées du service (courriel, téléphone).")
    submitter_name: str | None = _text(200, "Personne qui soumet l'enregistrement.")
    submitter_address: str | None = _text(500, "Son adresse.")
    submitter_contact: str | None = _text(500, "Ses coordonnées.")
    provider_entry_url: str | None = _url("Entrée du système dans la base de l'UE (fournisseur).")


class FriaForm(_Input):
    """The guided form as a contributor saves it (draft) or declares it done (complete)."""

    state: State = "draft"
    to_review: bool = Field(False, description="Reprise d'une autre fiche, à revoir (art. 27(2)).")
    shared: bool = Field(
        False, description="Permettre à d'autres collectivités de reprendre cette analyse terminée."
    )
    elements: FriaElements = FriaElements()
    rights: list[RightAssessment] = Field(default_factory=list, max_length=60)
    summary: str | None = _text(5000, "Synthèse des conclusions (annexe VIII, section C, point 4).")
    dpia: DpiaSection = DpiaSection()
    deployer: DeployerSection = DeployerSection()

    @field_validator("rights", mode="after")
    @classmethod
    def _each_right_once(cls, value: list[RightAssessment]) -> list[RightAssessment]:
        codes = [right.code for right in value]
        if len(codes) != len(set(codes)):
            raise PydanticCustomError("duplicate", "chaque droit n'est examiné qu'une fois")
        return value


class DutyView(BaseModel):
    due: bool
    reason: str
    provision: str
    basis: Literal["qualification", "declaration"]
    applies_from: str | None
    date_label: str | None


class FicheRef(BaseModel):
    id: int
    slug: str
    title: str
    local_authority_name: str | None
    status: str


class Origin(BaseModel):
    """The fiche a FRIA was copied from (Art. 27(2)) and when."""

    use_case_id: int
    slug: str
    title: str
    local_authority_name: str | None
    fria_version: int
    copied_at: str


class Missing(BaseModel):
    field: str
    label: str
    # True: the FRIA cannot be declared complete without it.
    blocking: bool


class ScreeningView(BaseModel):
    result: str
    text: str
    threshold: int
    criteria: list[dict[str, str]]
    cnil_types: list[dict[str, str]]
    suggested: list[dict[str, str]]
    sources: list[dict[str, Any]]


class FriaView(BaseModel):
    use_case: FicheRef
    due: DutyView
    version: int
    updated_at: str | None
    origin: Origin | None
    form: FriaForm
    missing: list[Missing]
    dpia_screening: ScreeningView
    # The elements, the rights of the Charter and the sources (law/fria.json), for the form.
    reference: dict[str, Any]


class RegistrationField(BaseModel):
    id: str
    point: str
    label: str
    provision: str
    status: Literal["filled", "incomplete", "missing", "not_applicable", "not_required"]
    value: str | None
    filled_from: str
    missing: str | None


class RegistrationPack(BaseModel):
    use_case: FicheRef
    due: DutyView
    non_public: bool
    non_public_note: str | None
    fields: list[RegistrationField]
    missing: list[str]
    sources: list[dict[str, Any]]


class OnRequestItem(BaseModel):
    id: str
    point: str
    label: str
    provision: str
    text: str | None
    per_request: str | None
    missing: list[str]


class MentionView(BaseModel):
    use_case: FicheRef
    mention: str
    mention_provision: str
    on_request: list[OnRequestItem]
    reserve: str
    missing: list[Missing]
    sources: list[dict[str, Any]]
