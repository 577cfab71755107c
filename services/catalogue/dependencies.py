"""Lookups and checks shared by the catalogue's routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request
from sqlmodel import col, select

from services.catalogue.models import PUBLIC_STATUSES, UseCase
from services.catalogue.settings import CatalogueSettings
from services.common import private_links
from services.common.audit import record_action
from services.common.auth.dependencies import OptionalPrincipal, require
from services.common.auth.principal import Principal
from services.common.database import SessionDep
from services.common.errors import NotFound, Unprocessable
from services.common.pagination import MAX_ROW_ID, RowId
from services.common.private_links import OptionalLinkToken
from services.common.settings import settings_dependency


def can_moderate(principal: Principal | None) -> bool:
    return principal is not None and (
        principal.has_role("moderator") or principal.has_scope("catalogue:write")
    )


def _get(session: SessionDep, use_case_id: int) -> UseCase:
    use_case = session.get(UseCase, use_case_id)
    if use_case is None:
        raise NotFound(f"Aucun cas d'usage publié n° {use_case_id}.")
    return use_case


# A fiche's number, or its slug (the address people share: /use-cases/depots-sauvages-paris).
UseCaseKey = Annotated[
    str,
    Path(
        # a number, or a slug (lowercase letters, digits, hyphens; never digits alone)
        pattern=r"^(?:[1-9][0-9]{0,9}|[a-z0-9-]*[a-z-][a-z0-9-]*)$",
        max_length=220,
        description="Identifiant numérique ou slug de la fiche.",
    ),
]


def public_use_case(session: SessionDep, use_case_id: UseCaseKey) -> UseCase:
    """A published (or archived) fiche, by its number or its slug."""
    use_case: UseCase | None = None
    if use_case_id.isdigit():
        if int(use_case_id) > MAX_ROW_ID:
            raise Unprocessable(f"Identifiant de fiche hors limites (au plus {MAX_ROW_ID}).")
        use_case = session.get(UseCase, int(use_case_id))
    else:
        use_case = session.exec(select(UseCase).where(col(UseCase.slug) == use_case_id)).first()
    if use_case is None or use_case.status not in PUBLIC_STATUSES:
        raise NotFound(f"Aucun cas d'usage publié « {use_case_id} ».")
    return use_case


def moderated_use_case(session: SessionDep, use_case_id: RowId, _moderator: Moderator) -> UseCase:
    return _get(session, use_case_id)


def use_case_for_token(session: SessionDep, token: str) -> UseCase:
    """The fiche of an edit link; 404 for any unknown token (compared in constant time)."""
    use_case = private_links.find(session, UseCase, "edit_token_hash", token)
    if use_case is None:
        raise NotFound("Ce lien de modification n'est pas valide.")
    return use_case


def editable_use_case(
    session: SessionDep,
    request: Request,
    use_case_id: RowId,
    principal: OptionalPrincipal,
    token: OptionalLinkToken,
) -> UseCase:
    """The fiche, for its contributor (edit link) or a moderator; another fiche's link: 404."""
    if token is not None:
        use_case = use_case_for_token(session, token)
        if use_case.id != use_case_id:
            raise NotFound("Ce lien de modification ne correspond pas à cette fiche.")
        return use_case
    if can_moderate(principal):
        assert principal is not None
        # Admitted without `require`, so the staff action is logged here.
        record_action(session, request, principal)
        return _get(session, use_case_id)
    if principal is None:
        raise NotFound("Lien de modification ou rôle modérateur requis pour modifier cette fiche.")
    raise NotFound(f"Aucun cas d'usage modifiable n° {use_case_id}.")


Moderator = Annotated[Principal, Depends(require(role="moderator", scope="catalogue:write"))]
PublicUseCase = Annotated[UseCase, Depends(public_use_case)]
ModeratedUseCase = Annotated[UseCase, Depends(moderated_use_case)]
EditableUseCase = Annotated[UseCase, Depends(editable_use_case)]
SettingsDep = Annotated[CatalogueSettings, Depends(settings_dependency(CatalogueSettings))]
