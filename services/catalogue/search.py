"""Which use cases a listing shows, in a stable order."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from services.catalogue.models import UseCase, UseCaseStatus


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _conditions(*, q: str | None, theme: str | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [col(UseCase.status) == UseCaseStatus.PUBLISHED]
    if q:
        pattern = _like_pattern(q)
        conditions.append(
            or_(
                col(UseCase.title).ilike(pattern, escape="\\"),
                col(UseCase.summary).ilike(pattern, escape="\\"),
                col(UseCase.local_authority_name).ilike(pattern, escape="\\"),
            )
        )
    if theme:
        conditions.append(col(UseCase.theme) == theme)
    return conditions


def published_use_cases(*, q: str | None, theme: str | None) -> SelectOfScalar[UseCase]:
    """Published use cases matching the filters, newest first (ties by id: a stable order)."""
    return (
        select(UseCase)
        .where(*_conditions(q=q, theme=theme))
        .order_by(col(UseCase.published_at).desc(), col(UseCase.id).desc())
    )
