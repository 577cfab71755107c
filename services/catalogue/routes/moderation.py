"""The moderators' queue and decisions: publish, ask for changes, reject, retract, archive."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Query, Response
from sqlalchemy import or_
from sqlmodel import Session, col, select

from services.catalogue import workflow
from services.catalogue.dependencies import ModeratedUseCase, Moderator, SettingsDep
from services.catalogue.models import UseCase, UseCaseStatus
from services.catalogue.notifications import notify_submitter
from services.catalogue.schemas.requests import Decision, MessageRequired, QueueQuery
from services.catalogue.schemas.use_cases import UseCasePrivate, private_view
from services.catalogue.settings import CatalogueSettings
from services.common.database import SessionDep
from services.common.pagination import Page, paginate
from services.common.versions import ExpectedVersion, RequiredVersion, set_etag

router = APIRouter(tags=["modération"])

_DECISION_RESPONSES: dict[int | str, dict[str, str]] = {
    401: {"description": "Jeton requis"},
    403: {"description": "Rôle modérateur requis"},
    404: {"description": "Fiche inconnue"},
    409: {"description": "Décision impossible dans cet état"},
    412: {"description": "Version périmée"},
    422: {"description": "Fiche incomplète"},
    428: {"description": "If-Match manquant"},
}


@router.get(
    "/moderation/use-cases",
    responses={
        401: {"description": "Jeton requis"},
        403: {"description": "Rôle modérateur requis"},
    },
)
def moderation_queue(
    session: SessionDep, _moderator: Moderator, query: Annotated[QueueQuery, Query()]
) -> Page[UseCasePrivate]:
    """File de modération : propositions et mises à jour à relire, avec leurs différences."""
    if query.status is None:
        condition = or_(col(UseCase.status) == UseCaseStatus.SUBMITTED, col(UseCase.pending_review))
    else:
        condition = col(UseCase.status) == query.status
    statement = select(UseCase).where(condition).order_by(col(UseCase.updated_at), col(UseCase.id))
    return paginate(session, statement, query=query, view=private_view)


@router.get("/moderation/use-cases/{use_case_id}", responses=_DECISION_RESPONSES)
def preview_use_case(use_case: ModeratedUseCase, response: Response) -> UseCasePrivate:
    """Aperçu d'une fiche pour la modération, quel que soit son statut."""
    set_etag(response, use_case.version)
    return private_view(use_case)


def _notify(
    settings: CatalogueSettings, session: Session, use_case: UseCase, *, subject: str, text: str
) -> None:
    notify_submitter(session, settings.mail, use_case, subject=subject, text=text)


def _decide(
    use_case: UseCase,
    expected: ExpectedVersion,
    response: Response,
    action: Callable[[], UseCase],
) -> UseCasePrivate:
    expected.check(use_case.version, what="La fiche")
    action()
    set_etag(response, use_case.version)
    return private_view(use_case)


@router.post("/use-cases/{use_case_id}/publish", responses=_DECISION_RESPONSES)
def publish_use_case(
    settings: SettingsDep,
    session: SessionDep,
    use_case: ModeratedUseCase,
    expected: RequiredVersion,
    response: Response,
    decision: Decision | None = None,
) -> UseCasePrivate:
    """Publie la fiche (ou sa mise à jour) ; refusé, champ par champ, si elle est incomplète."""
    view = _decide(
        use_case,
        expected,
        response,
        lambda: workflow.publish(session, use_case, note=decision.message if decision else None),
    )
    _notify(
        settings,
        session,
        use_case,
        subject="Fiche publiée",
        # By number and the site's own address, never the submitter's title (notifications.py).
        text=(
            f"Votre proposition n° {use_case.id} est publiée : "
            f"{settings.mail.link(f'/fiche.html?id={use_case.id}')}"
        ),
    )
    return view


@router.post("/use-cases/{use_case_id}/request-changes", responses=_DECISION_RESPONSES)
def request_changes(
    settings: SettingsDep,
    session: SessionDep,
    use_case: ModeratedUseCase,
    expected: RequiredVersion,
    response: Response,
    decision: MessageRequired,
) -> UseCasePrivate:
    """Demande des modifications au contributeur, avec un message."""
    view = _decide(
        use_case,
        expected,
        response,
        lambda: workflow.request_changes(session, use_case, message=decision.message),
    )
    _notify(
        settings,
        session,
        use_case,
        subject="Modifications demandées",
        text=f"La modération demande des modifications :\n\n{decision.message}\n\nUtilisez le lien de modification reçu lors de votre proposition.",
    )
    return view


@router.post("/use-cases/{use_case_id}/reject", responses=_DECISION_RESPONSES)
def reject_use_case(
    settings: SettingsDep,
    session: SessionDep,
    use_case: ModeratedUseCase,
    expected: RequiredVersion,
    response: Response,
    decision: MessageRequired,
) -> UseCasePrivate:
    """Refuse une proposition (ou la mise à jour en attente d'une fiche publiée)."""
    view = _decide(
        use_case,
        expected,
        response,
        lambda: workflow.reject(session, use_case, message=decision.message),
    )
    _notify(
        settings,
        session,
        use_case,
        subject="Proposition refusée",
        text=f"La modération a refusé la proposition :\n\n{decision.message}",
    )
    return view


@router.post("/use-cases/{use_case_id}/retract", responses=_DECISION_RESPONSES)
def retract_use_case(
    session: SessionDep,
    use_case: ModeratedUseCase,
    expected: RequiredVersion,
    response: Response,
    decision: Decision | None = None,
) -> UseCasePrivate:
    """Dépublie une fiche : elle n'est plus visible du public."""
    note = decision.message if decision else None
    return _decide(
        use_case,
        expected,
        response,
        lambda: workflow.withdraw(session, use_case, status=UseCaseStatus.RETRACTED, note=note),
    )


@router.post("/use-cases/{use_case_id}/archive", responses=_DECISION_RESPONSES)
def archive_use_case(
    session: SessionDep,
    use_case: ModeratedUseCase,
    expected: RequiredVersion,
    response: Response,
    decision: Decision | None = None,
) -> UseCasePrivate:
    """Archive une fiche : toujours lisible, elle sort des recherches."""
    note = decision.message if decision else None
    return _decide(
        use_case,
        expected,
        response,
        lambda: workflow.withdraw(session, use_case, status=UseCaseStatus.ARCHIVED, note=note),
    )
