"""The catalogue's tables and API shapes (the SQLModel ladder)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import String
from sqlmodel import Field, SQLModel

from services.common.mail import outbox_table
from services.common.sql import UTCDateTime, new_registry, utcnow
from services.common.text import InputModel


class CatalogueModel(SQLModel, registry=new_registry()):
    """Abstract base: the catalogue's own metadata, invisible to other services."""


# Messages waiting to be sent (services.common.mail).
outbox = outbox_table(CatalogueModel.metadata)


class UseCaseStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class UseCaseBase(InputModel):
    title: str = Field(min_length=3, max_length=200)
    summary: str = Field(min_length=10, max_length=2000)
    theme: str = Field(max_length=100)
    # SIREN for communes and EPCI, INSEE code for départements and régions (DESIGN.md).
    local_authority_code: str = Field(
        min_length=2,
        max_length=9,
        index=True,
        # SQLModel's `regex=` is not applied under pydantic 2; `pattern` is.
        schema_extra={"pattern": r"^(\d{9}|\d[\dAB]|97\d)$"},
    )
    local_authority_name: str = Field(max_length=200)


class UseCase(CatalogueModel, UseCaseBase, table=True):
    __tablename__ = "use_case"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=220, unique=True)
    # A plain string column: a native enum type would outlive a downgrade on PostgreSQL.
    status: UseCaseStatus = Field(default=UseCaseStatus.DRAFT, sa_type=String(20), index=True)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    version: int = Field(default=1)


class UseCaseCreate(UseCaseBase):
    """What a moderator or an integrator sends to add a use case (as a draft)."""


class UseCasePublic(UseCaseBase):
    id: int
    slug: str
    status: UseCaseStatus
    published_at: datetime | None
    updated_at: datetime
