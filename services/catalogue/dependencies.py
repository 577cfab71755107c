"""Lookups shared by the catalogue's routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from services.catalogue.models import UseCase, UseCaseStatus
from services.common.auth.dependencies import OptionalPrincipal, require
from services.common.auth.principal import Principal
from services.common.database import SessionDep
from services.common.errors import NotFound
from services.common.pagination import RowId


def can_see_drafts(principal: Principal | None) -> bool:
    return principal is not None and (
        principal.has_role("moderator") or principal.has_scope("catalogue:write")
    )


def visible_use_case(
    session: SessionDep, principal: OptionalPrincipal, use_case_id: RowId
) -> UseCase:
    """A published use case, or any use case for those who moderate the catalogue."""
    use_case = session.get(UseCase, use_case_id)
    if use_case is None or (
        use_case.status != UseCaseStatus.PUBLISHED and not can_see_drafts(principal)
    ):
        raise NotFound(f"Aucun cas d'usage publié n° {use_case_id}.")
    return use_case


VisibleUseCaseDep = Annotated[UseCase, Depends(visible_use_case)]
Moderator = Annotated[Principal, Depends(require(role="moderator", scope="catalogue:write"))]
