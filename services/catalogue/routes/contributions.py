"""Proposing a fiche without an account, and completing it through the private edit link."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from services.catalogue import workflow
from services.catalogue.ai_act import qualification
from services.catalogue.dependencies import (
    EditableUseCase,
    SettingsDep,
    can_moderate,
    use_case_for_token,
)
from services.catalogue.fiche import UseCaseFields
from services.catalogue.notifications import send_edit_link
from services.catalogue.schemas.requests import Proposal
from services.catalogue.schemas.use_cases import UseCasePrivate, private_view
from services.common import private_links
from services.common.auth.dependencies import OptionalPrincipal
from services.common.database import SessionDep
from services.common.errors import NotFound
from services.common.private_links import OptionalLinkToken
from services.common.proof_of_work import PROOF_OF_WORK_REFUSED, ProofOfWorkHeader
from services.common.proof_of_work import verify as verify_proof_of_work
from services.common.rate_limits import (
    TOO_MANY_REQUESTS,
    client_address,
    limit_anonymous_mail,
    rate_limiter,
)
from services.common.versions import RequiredVersion, set_etag

router = APIRouter(tags=["contributions"])


@router.post(
    "/use-cases",
    status_code=201,
    responses={
        413: {"description": "Corps trop volumineux"},
        **PROOF_OF_WORK_REFUSED,
        **TOO_MANY_REQUESTS,
    },
)
def propose_use_case(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: OptionalPrincipal,
    payload: Proposal,
    response: Response,
    proof_of_work: ProofOfWorkHeader = None,
) -> UseCasePrivate:
    """Propose une fiche, sans compte (avec la solution d'un défi GET /proof-of-work dans l'en-tête `Altcha`) : elle attend la modération ; un lien de modification part par courriel."""
    if not can_moderate(principal):
        # A proof of work first, so that nothing is counted for a robot that did not pay.
        verify_proof_of_work(request, proof_of_work)
        # Each anonymous proposal writes a fiche and mails a link: counted per address and
        # per recipient, so neither the catalogue nor someone's mailbox can be flooded.
        rate_limiter(request).hit("public_submission", client_address(request))
        limit_anonymous_mail(request, payload.submitter_email)
    content = payload.model_dump(exclude_unset=True, exclude={"submitter_email"})
    use_case = workflow.propose(
        session,
        content=content,
        submitter_email=payload.submitter_email,
        declared_by="moderation" if can_moderate(principal) else "contributeur",
    )
    link = private_links.issue()
    use_case.edit_token_hash = link.digest
    session.add(use_case)
    session.flush()
    send_edit_link(session, settings.mail, use_case, link.token)
    response.headers["Location"] = f"/use-cases/{use_case.id}"
    set_etag(response, use_case.version)
    return private_view(use_case)


@router.get("/edit-link", responses={404: {"description": "Lien inconnu"}})
def read_by_edit_link(
    session: SessionDep, token: OptionalLinkToken, response: Response
) -> UseCasePrivate:
    """La fiche d'un lien de modification (en-tête `Authorization: PrivateLink <jeton>`), brouillon compris."""
    if token is None:
        raise NotFound("Lien de modification requis (en-tête Authorization: PrivateLink …).")
    use_case = use_case_for_token(session, token)
    set_etag(response, use_case.version)
    return private_view(use_case)


@router.patch(
    "/use-cases/{use_case_id}",
    responses={
        404: {"description": "Fiche inconnue, ou lien d'une autre fiche"},
        409: {"description": "Fiche refusée ou archivée"},
        412: {"description": "Version périmée"},
        428: {"description": "If-Match manquant"},
    },
)
def update_use_case(
    session: SessionDep,
    use_case: EditableUseCase,
    expected: RequiredVersion,
    changes: UseCaseFields,
    response: Response,
) -> UseCasePrivate:
    """Complète ou corrige une fiche (lien de modification ou modération) ; une fiche publiée reste visible jusqu'à la relecture."""
    expected.check(use_case.version, what="La fiche")
    values: dict[str, Any] = changes.model_dump(exclude_unset=True)
    # An AI Act field changed by hand is the contributor's declaration, no longer qualified.
    values = qualification.hand_edits(use_case.draft, values)
    workflow.update_draft(session, use_case, changes=values)
    set_etag(response, use_case.version)
    return private_view(use_case)
