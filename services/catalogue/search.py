"""Which use cases a listing shows, in a stable order."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, or_
from sqlmodel import Session, col, select

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


def published_use_cases(
    session: Session, *, q: str | None, theme: str | None, limit: int, offset: int
) -> tuple[Sequence[UseCase], int]:
    """One page of published use cases, newest first, and how many match in all."""
    conditions = _conditions(q=q, theme=theme)
    total = session.exec(select(func.count()).select_from(UseCase).where(*conditions)).one()
    page = session.exec(
        select(UseCase)
        .where(*conditions)
        .order_by(col(UseCase.published_at).desc(), col(UseCase.id).desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return page, total
