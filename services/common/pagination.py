"""Offset pagination shared by every collection: `?limit=&offset=` in, `{items, total}` out."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")

MAX_LIMIT = 100


class PageQuery(BaseModel):
    """Query parameters of a page; subclasses add their filters.

    Unknown parameters are refused (422) rather than ignored, so a misspelt filter never
    silently returns everything.
    """

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(20, ge=1, le=MAX_LIMIT, description="Nombre d'éléments par page.")
    offset: int = Field(0, ge=0, description="Nombre d'éléments à sauter.")


class Page(BaseModel, Generic[T]):
    """One page of a collection and the size of the whole collection."""

    items: list[T]
    total: int
    limit: int
    offset: int
