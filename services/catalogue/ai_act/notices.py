"""Telling the contacts of fiches qualified under an older rule set that they are to requalify.

Each fiche's contact is told once per version of the rules (`requalify_notice` in its
qualification records the version told about), with a new private link: only the digest of a
link is kept, so the former one cannot be sent again, and the new one replaces it.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from services.catalogue.ai_act import engine, qualification
from services.catalogue.models import UseCase, UseCaseStatus
from services.catalogue.notifications import send_requalify_notice
from services.common import private_links
from services.common.mail import MailSettings

# A refused or archived fiche can no longer change: nothing to requalify.
_CLOSED = (UseCaseStatus.REJECTED, UseCaseStatus.ARCHIVED)


def due(session: Session) -> list[UseCase]:
    """The fiches to requalify whose contact was not told about the current rules yet."""
    current = engine.rules().version
    rows = session.exec(
        select(UseCase)
        .where(col(UseCase.qualification).is_not(None), col(UseCase.status).not_in(_CLOSED))
        .order_by(col(UseCase.id))
    ).all()
    return [
        row
        for row in rows
        if row.submitter_email
        and qualification.to_requalify(row.draft)
        and (row.qualification or {}).get("requalify_notice") != current
    ]


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
