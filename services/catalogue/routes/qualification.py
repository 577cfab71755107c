"""A fiche's AI Act qualification, answered step by step through its private link or by a
moderator: saved at each step, resumed later, and written into the fiche's fields once complete."""

from __future__ import annotations

from fastapi import APIRouter, Response

from services.catalogue.ai_act import engine, qualification
from services.catalogue.dependencies import EditableUseCase
from services.catalogue.routes.ai_act import answer_problem
from services.catalogue.schemas.ai_act import QualificationView, QualifyRequest, qualification_view
from services.common.database import SessionDep
from services.common.versions import RequiredVersion, set_etag

router = APIRouter(tags=["règlement IA"])

_RESPONSES: dict[int | str, dict[str, str]] = {
    404: {"description": "Fiche inconnue, ou lien d'une autre fiche"},
}


@router.get("/use-cases/{use_case_id}/qualification", responses=_RESPONSES)
def read_qualification(use_case: EditableUseCase, response: Response) -> QualificationView:
    """La qualification d'une fiche au regard du règlement IA (lien de modification ou modération) : réponses enregistrées, résultat, et d'où vient la classe du brouillon."""
    set_etag(response, use_case.version)
    return qualification_view(use_case)


@router.put(
    "/use-cases/{use_case_id}/qualification",
    responses={
        **_RESPONSES,
        409: {"description": "Fiche refusée ou archivée"},
        412: {"description": "Version périmée"},
        422: {"description": "Réponses que les questions n'offrent pas (rien n'est enregistré)"},
        428: {"description": "If-Match manquant"},
    },
)
def save_qualification(
    session: SessionDep,
    use_case: EditableUseCase,
    expected: RequiredVersion,
    body: QualifyRequest,
    response: Response,
) -> QualificationView:
    """Enregistre les réponses données jusqu'ici ; complètes, elles fixent la classe, le rôle, le domaine de l'annexe III et les obligations de l'article 50 du brouillon, publiés à la prochaine publication."""
    expected.check(use_case.version, what="La fiche")
    try:
        qualification.save(session, use_case, answers=body.answers)
    except engine.AnswerError as error:
        raise answer_problem(error) from error
    set_etag(response, use_case.version)
    return qualification_view(use_case)
