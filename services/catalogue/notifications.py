"""The e-mails of the catalogue: the private edit link, and the moderators' decisions.

Put in the service's outbox within the request's transaction (services.common.mail): a message
leaves if and only if the change that causes it is saved.

Both go to an address that an anonymous visitor typed, so neither carries what that visitor
typed: a fixed subject and a fixed text naming the proposal by its number, never its title.
Otherwise anyone could make the platform send their text ("Gagnez… sur spam.example") to
anyone, from its own trusted address. The moderators' own words, in a decision, are staff text.
"""

from __future__ import annotations

from sqlmodel import Session

from services.catalogue.models import UseCase, outbox
from services.common.mail import MailSettings, enqueue_mail

SIGNATURE = "Les intelligences associées des territoires"
EDIT_LINK_SUBJECT = "Votre proposition de cas d'usage d'IA"


def edit_link_text(*, number: int, link: str) -> str:
    return (
        "Bonjour,\n\n"
        f"Une proposition de cas d'usage (n° {number}) a été déposée dans la bibliothèque d'IA "
        "territorialisées avec cette adresse de contact. L'équipe de modération la relira "
        "avant publication.\n\n"
        "Pour la compléter ou la corriger, utilisez ce lien personnel (ne le transmettez pas) :\n"
        f"{link}\n\n"
        "Si vous n'êtes pas à l'origine de cette proposition, ignorez ce message : "
        "rien ne sera publié sous votre adresse, qui n'est jamais rendue publique.\n\n"
        f"{SIGNATURE}"
    )


def send_edit_link(session: Session, mail: MailSettings, use_case: UseCase, token: str) -> None:
    """The private link to complete or correct a proposal, to its submitter."""
    assert use_case.id is not None
    enqueue_mail(
        session,
        outbox,
        mail,
        to=[use_case.submitter_email or ""],
        subject=EDIT_LINK_SUBJECT,
        text=edit_link_text(number=use_case.id, link=mail.link(f"/fiche-modifier.html#{token}")),
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
        subject=f"{subject} : votre proposition n° {use_case.id}",
        text=f"Bonjour,\n\n{text}\n\n{SIGNATURE}",
        kind="moderation",
        reference=f"use_case:{use_case.id}",
    )


REQUALIFY_SUBJECT = "Votre cas d'usage d'IA est à requalifier"


def requalify_text(*, number: int, old: str, new: str, link: str, edit_link: str) -> str:
    return (
        "Bonjour,\n\n"
        f"La qualification au regard du règlement européen sur l'IA du cas d'usage n° {number} "
        f"a été faite avec les règles de la version {old}. Ces règles sont passées à la "
        f"version {new} : la classe, le rôle et les obligations de la fiche peuvent changer.\n\n"
        "Pour reprendre le questionnaire (vos réponses sont conservées), utilisez ce lien "
        f"personnel (ne le transmettez pas) :\n{link}\n\n"
        f"Le même lien ouvre aussi la modification de la fiche :\n{edit_link}\n\n"
        "Il remplace le lien reçu précédemment, qui ne fonctionne plus.\n\n"
        f"{SIGNATURE}"
    )


def send_requalify_notice(
    session: Session, mail: MailSettings, use_case: UseCase, token: str, *, old: str, new: str
) -> None:
    """To the contact of a fiche qualified under older rules: a new private link to requalify it."""
    assert use_case.id is not None
    enqueue_mail(
        session,
        outbox,
        mail,
        to=[use_case.submitter_email or ""],
        subject=REQUALIFY_SUBJECT,
        text=requalify_text(
            number=use_case.id,
            old=old,
            new=new,
            link=mail.link(f"/qualification.html#{token}"),
            edit_link=mail.link(f"/fiche-modifier.html#{token}"),
        ),
        kind="ai-act-requalify",
        reference=f"use_case:{use_case.id}",
    )
