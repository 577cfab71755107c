"""Offset pagination shared by every collection: `?limit=&offset=` in, `{items, total}` out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Generic, TypeVar

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import func
from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

from services.common.text import refuse_nul

T = TypeVar("T")
M = TypeVar("M")

MAX_LIMIT = 100
# Identifiers are INTEGER columns (32-bit on PostgreSQL): a larger number can match nothing
# and must be refused before it reaches a driver that cannot bind it.
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


def paginate(
    session: Session,
    statement: SelectOfScalar[M],
    *,
    query: PageQuery,
    view: Callable[[M], T],
) -> Page[T]:
    """One page of an ordered `statement`, each row shown through `view`, and the total."""
    total = session.exec(
        select(func.count()).select_from(statement.order_by(None).subquery())
    ).one()
    rows = session.exec(statement.limit(query.limit).offset(query.offset)).all()
    return Page(
        items=[view(row) for row in rows], total=total, limit=query.limit, offset=query.offset
    )
