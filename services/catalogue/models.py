"""The catalogue's tables.

A fiche (`use_case`) keeps two contents as JSON: `draft`, the contributor's latest version,
and `published`, what the public sees. An update to a published fiche waits in `draft`
(`pending_review`) while the published content stays visible. The columns next to them copy the
public content (or, before any publication, the draft) for listing, facets and search.
Every change adds a `use_case_version` row with the whole content at that time.
The coded columns are those `services.catalogue.vocabularies.FIELDS` declares (a test checks it).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, String, Text
from sqlmodel import Field, SQLModel

from services.common.audit import audit_table
from services.common.mail import outbox_table
from services.common.sql import UTCDateTime, new_registry, utcnow


class CatalogueModel(SQLModel, registry=new_registry()):
    """Abstract base: the catalogue's own metadata, invisible to other services."""


# Messages waiting to be sent (services.common.mail).
outbox = outbox_table(CatalogueModel.metadata)
# What staff did (services.common.audit).
audit_log = audit_table(CatalogueModel.metadata)


class UseCaseStatus(StrEnum):
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    PUBLISHED = "published"
    REJECTED = "rejected"
    RETRACTED = "retracted"
    ARCHIVED = "archived"


# Statuses whose content the public may read (archived fiches stay readable, out of searches).
PUBLIC_STATUSES = (UseCaseStatus.PUBLISHED, UseCaseStatus.ARCHIVED)


def _code() -> Any:
    return Field(default=None, sa_type=String(40), nullable=True)


class UseCase(CatalogueModel, table=True):
    __tablename__ = "use_case"
    __table_args__ = (
        Index("ix_use_case_status_published_at", "status", "published_at"),
        Index("ix_use_case_region", "region"),
        Index("ix_use_case_departement", "departement"),
        Index("ix_use_case_domain", "domain"),
    )

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=220, unique=True)
    # A plain string column: a native enum type would outlive a downgrade on PostgreSQL.
    status: str = Field(default=UseCaseStatus.SUBMITTED, sa_type=String(20), index=True)
    pending_review: bool = Field(default=False)
    version: int = Field(default=1)
    draft: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    published: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    # The last message of the moderators to the contributor (changes requested, refusal).
    moderation_message: str | None = Field(default=None, sa_type=Text)
    # The AI Act qualification ({"answers", "rules_version", "outcome", "qualified_at"}) and
    # the FRIA form (Art. 27): services.catalogue.ai_act.
    qualification: dict[str, Any] | None = Field(
        default=None, sa_column=Column(JSON, nullable=True)
    )
    fria: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    # Private: never in a public answer or an export.
    submitter_email: str | None = Field(default=None, max_length=320)
    edit_token_hash: str | None = Field(default=None, max_length=64, unique=True)
    declared_by: str = Field(default="contributeur", max_length=20)
    is_demo: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    # Copies of the public content, for listings, facets and search.
    title: str = Field(default="", max_length=150)
    summary: str = Field(default="", sa_type=Text)
    sort_title: str = Field(default="", max_length=150)
    local_authority_code: str | None = Field(default=None, max_length=9, index=True)
    local_authority_name: str | None = Field(default=None, max_length=200)
    local_authority_kind: str | None = _code()
    siren: str | None = Field(default=None, max_length=9)
    insee_code: str | None = Field(default=None, max_length=5)
    region: str | None = _code()
    departement: str | None = _code()
    individual_decisions: bool | None = Field(default=None)
    domain: str | None = _code()
    application_type: str | None = _code()
    ai_technology: str | None = _code()
    ai_act_class: str | None = _code()
    project_status: str | None = _code()
    reusability: str | None = _code()
    automation_level: str | None = _code()
    personal_data: str | None = _code()
    interaction: str | None = _code()
    algorithm_type: str | None = _code()
    hosting: str | None = _code()
    acquisition_mode: str | None = _code()
    annex_iii_area: str | None = _code()
    ai_act_role: str | None = _code()
    # The codes of `art50_obligations`, each between bars ("|a|b|"), for the facet and its filter.
    art50_codes: str | None = Field(default=None, sa_type=String(300), nullable=True)


class UseCaseVersion(CatalogueModel, table=True):
    __tablename__ = "use_case_version"

    id: int | None = Field(default=None, primary_key=True)
    use_case_id: int = Field(foreign_key="use_case.id", index=True, ondelete="CASCADE")
    number: int
    # proposed, updated, published, changes_requested, rejected, retracted, archived, imported
    event: str = Field(max_length=30)
    status: str = Field(max_length=20)
    # Shown in the public history: publications and what changed the public fiche.
    public: bool = Field(default=False)
    content: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    note: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())


class UseCaseTerm(CatalogueModel, table=True):
    """The search index: one row per term of a published fiche (services.catalogue.search.index).

    `weight` is the term's weight in that fiche (its fields' weights, saturated and normalised
    by length, as an integer so that both databases sum and order alike). Written in the
    transaction that publishes, changes or withdraws the fiche: every replica sees it at once.
    """

    __tablename__ = "use_case_term"

    term: str = Field(primary_key=True, max_length=60)
    use_case_id: int = Field(
        primary_key=True, foreign_key="use_case.id", index=True, ondelete="CASCADE"
    )
    weight: int


class SearchTerm(CatalogueModel, table=True):
    """The index's vocabulary: how many published fiches hold each term, and a word for it.

    Read for the rarity of a query's terms (their weight in the ranking), for typos (the
    terms near a word that no fiche holds) and for "did you mean". `word` is one spelling of
    the term as found in a fiche (accents dropped), None for a synonym group's term.
    """

    __tablename__ = "search_term"

    term: str = Field(primary_key=True, max_length=60)
    fiches: int
    word: str | None = Field(default=None, max_length=60)
