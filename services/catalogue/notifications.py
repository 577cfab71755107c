"""The e-mails of the catalogue: the private edit link, and the moderators' decisions.

Put in the service's outbox within the request's transaction (services.common.mail): a message
leaves if and only if the change that causes it is saved.
"""

from __future__ import annotations

from sqlmodel import Session

from services.catalogue.models import UseCase, outbox
from services.common.mail import MailSettings, enqueue_mail

SIGNATURE = "Les intelligences associées des territoires"


def one_line(text: str) -> str:
    """Text for a mail header: no line breaks, spaces collapsed."""
    return " ".join(text.split())


def send_edit_link(session: Session, mail: MailSettings, use_case: UseCase, token: str) -> None:
    """The private link to complete or correct a proposal, to its submitter."""
    link = mail.link(f"/fiche-modifier.html#{token}")
    enqueue_mail(
        session,
        outbox,
        mail,
        to=[use_case.submitter_email or ""],
        subject=f"Votre proposition de cas d'usage : {one_line(use_case.title)}",
        text=(
            "Bonjour,\n\n"
            f"Votre proposition « {use_case.title} » est enregistrée ; l'équipe de modération "
            "la relira avant publication.\n\n"
            "Pour la compléter ou la corriger, utilisez ce lien personnel (ne le transmettez pas) :\n"
            f"{link}\n\n{SIGNATURE}"
        ),
        kind="edit-link",
        reference=f"use_case:{use_case.id}",
    )


def notify_submitter(
    session: Session, mail: MailSettings, use_case: UseCase, *, subject: str, text: str
) -> None:
    """A moderator's decision, to the submitter (fiches from imports or the demo have none)."""
    if not use_case.submitter_email:
        return
    enqueue_mail(
        session,
        outbox,
        mail,
        to=[use_case.submitter_email],
        subject=f"{subject} : {one_line(use_case.title)}",
        text=f"Bonjour,\n\n{text}\n\n{SIGNATURE}",
        kind="moderation",
        reference=f"use_case:{use_case.id}",
    )
