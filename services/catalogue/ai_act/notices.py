"""Telling the contacts of fiches qualified under an older rule set that they are to requalify.

Each fiche's contact is told once per version of the rules (`requalify_notice` in its
qualification records the version told about), with a new private link: only the digest of a
link is kept, so the former one cannot be sent again, and the new one replaces it.
"""

from __future__ import annotations

import logging

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from services.catalogue.ai_act import engine, qualification
from services.catalogue.models import UseCase, UseCaseStatus
from services.catalogue.notifications import send_requalify_notice
from services.catalogue.settings import CatalogueSettings
from services.common import private_links
from services.common.mail import MailSettings

logger = logging.getLogger(__name__)
# A refused or archived fiche can no longer change: nothing to requalify.
_CLOSED = (UseCaseStatus.REJECTED, UseCaseStatus.ARCHIVED)


def _waiting(use_case: UseCase, current: str) -> bool:
    return bool(
        use_case.submitter_email
        and qualification.to_requalify(use_case.draft)
        and (use_case.qualification or {}).get("requalify_notice") != current
    )


def due(session: Session) -> list[UseCase]:
    """The fiches to requalify whose contact was not told about the current rules yet, locked.

    Read first without locks (the versions are inside the JSON content, compared here), then
    only the fiches due are locked and checked again: replicas starting together each tell the
    fiches they locked first, and no other fiche is held while the service starts."""
    current = engine.rules().version
    candidates = (
        select(UseCase)
        .where(col(UseCase.qualification).is_not(None), col(UseCase.status).not_in(_CLOSED))
        .order_by(col(UseCase.id))
    )
    ids = [row.id for row in session.exec(candidates).all() if _waiting(row, current)]
    if not ids:
        return []
    locked = session.exec(
        candidates.where(col(UseCase.id).in_(ids))
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    ).all()
    return [row for row in locked if _waiting(row, current)]


def send_notices(session: Session, mail: MailSettings) -> int:
    """Put a notice with a new private link in the outbox for each fiche due; how many."""
    current = engine.rules().version
    fiches = due(session)
    for use_case in fiches:
        old = qualification.qualified_under(use_case.draft) or ""
        link = private_links.issue()
        use_case.edit_token_hash = link.digest
        use_case.qualification = {**(use_case.qualification or {}), "requalify_notice": current}
        session.add(use_case)
        send_requalify_notice(session, mail, use_case, link.token, old=old, new=current)
    session.flush()
    return len(fiches)


def at_start(database: Engine, settings: CatalogueSettings) -> None:
    """A new rule set comes with a deployment: the service, as it starts, tells the contacts.

    A database that does not answer yet only delays the notices to the next start (or to
    `iat-admin requalify-notices`): it is no reason not to serve."""
    try:
        with Session(database) as session:
            sent = send_notices(session, settings.mail)
            session.commit()
    except SQLAlchemyError as error:
        logger.warning("requalify notices not sent at start: %s", type(error).__name__)
        return
    if sent:
        logger.info(
            "requalify notices: %d fiche(s) told about rules v%s", sent, engine.rules().version
        )
