"""Offset pagination shared by every collection: `?limit=&offset=` in, `{items, total}` out."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.common.text import refuse_nul

T = TypeVar("T")

MAX_LIMIT = 100
# Identifiers are 32-bit integers in every database; a larger number can match nothing and
# must be refused before it reaches a driver that cannot bind it.
MAX_ROW_ID = 2**31 - 1

RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="Identifiant.")]


class PageQuery(BaseModel):
    """Query parameters of a page; subclasses add their filters.

    Unknown parameters are refused (422) rather than ignored, so a misspelt filter never
    silently returns everything.
    """

    model_config = ConfigDict(extra="forbid")

    _no_nul = field_validator("*", mode="after")(refuse_nul)

    limit: int = Field(20, ge=1, le=MAX_LIMIT, description="Nombre d'éléments par page.")
    offset: int = Field(0, ge=0, le=MAX_ROW_ID, description="Nombre d'éléments à sauter.")


class Page(BaseModel, Generic[T]):
    """One page of a collection and the size of the whole collection."""

    items: list[T]
    total: int
    limit: int
    offset: int
