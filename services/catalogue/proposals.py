"""Adding a use case to the catalogue: a draft that moderators publish later."""

from __future__ import annotations

from slugify import slugify
from sqlmodel import Session, col, select

from services.catalogue.models import UseCase, UseCaseBase, UseCaseStatus


def _free_slug(session: Session, *, title: str) -> str:
    base = slugify(title, max_length=200) or "cas-d-usage"
    taken = set(session.exec(select(UseCase.slug).where(col(UseCase.slug).startswith(base))).all())
    if base not in taken:
        return base
    suffix = 2
    while f"{base}-{suffix}" in taken:
        suffix += 1
    return f"{base}-{suffix}"


def create_draft(session: Session, *, fields: UseCaseBase) -> UseCase:
    use_case = UseCase.model_validate(
        {
            **fields.model_dump(),
            "slug": _free_slug(session, title=fields.title),
            "status": UseCaseStatus.DRAFT,
        }
    )
    session.add(use_case)
    session.flush()
    return use_case
