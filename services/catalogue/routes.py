"""HTTP routes of the catalogue."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import Field

from services.catalogue import proposals, search
from services.catalogue.dependencies import Moderator, VisibleUseCaseDep
from services.catalogue.models import UseCase, UseCaseCreate, UseCasePublic
from services.common.database import SessionDep
from services.common.pagination import Page, PageQuery, paginate

router = APIRouter(prefix="/use-cases", tags=["cas d'usage"])


class UseCaseQuery(PageQuery):
    q: str | None = Field(
        None, max_length=200, description="Texte cherché dans le titre, le résumé, la collectivité."
    )
    theme: str | None = Field(None, max_length=100, description="Thème exact.")


def public_view(use_case: UseCase) -> UseCasePublic:
    return UseCasePublic.model_validate(use_case, from_attributes=True)


@router.get("")
def list_use_cases(
    session: SessionDep, query: Annotated[UseCaseQuery, Query()]
) -> Page[UseCasePublic]:
    """Cas d'usage publiés, du plus récent au plus ancien."""
    statement = search.published_use_cases(q=query.q, theme=query.theme)
    return paginate(session, statement, query=query, view=public_view)


@router.post(
    "",
    status_code=201,
    responses={
        401: {"description": "Jeton requis"},
        403: {"description": "Rôle modérateur requis"},
    },
)
def create_use_case(
    session: SessionDep, _moderator: Moderator, payload: UseCaseCreate, response: Response
) -> UseCasePublic:
    """Ajoute un cas d'usage en brouillon (modération ou jeton `catalogue:write`)."""
    use_case = proposals.create_draft(session, fields=payload)
    response.headers["Location"] = f"/use-cases/{use_case.id}"
    return public_view(use_case)


@router.get("/{use_case_id}", responses={404: {"description": "Cas d'usage inconnu ou non publié"}})
def read_use_case(use_case: VisibleUseCaseDep) -> UseCasePublic:
    """Un cas d'usage publié (ou un brouillon, pour la modération)."""
    return UseCasePublic.model_validate(use_case, from_attributes=True)
