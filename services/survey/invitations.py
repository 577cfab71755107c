"""Invitations: who is asked, their personal links, the e-mails that carry them.

A link is a private link of `services.common.private_links` (random token, only its digest
stored); it travels in the e-mail and in the page's address fragment, never in a server log, and
the page presents it as `Authorization: PrivateLink <token>`. Each e-mail carries a new
link and earlier links keep working, so a reminder never cuts off an agent who shared the first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlmodel import Session, col

from services.common import private_links
from services.common.errors import Unprocessable
from services.common.header_text import header_text
from services.common.mail import MailSettings, enqueue_mail
from services.common.sql import utcnow
from services.common.territories.search import Kind, Territory, get_index
from services.survey.campaigns import TARGET_KINDS, band_of, french_day, target_population
from services.survey.models import (
    Campaign,
    Invitation,
    InvitationLink,
    InvitationStatus,
    outbox,
)

EMAIL = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")
SEPARATORS = re.compile(r"[\s,;]+")
MAX_ROWS = 40_000
MAX_ERRORS = 50
WAITING = (InvitationStatus.SENT, InvitationStatus.OPENED, InvitationStatus.STARTED)


class ImportRefused(Unprocessable):
    """An invitation list refused whole, each faulty line named."""


@dataclass(frozen=True)
class Row:
    line: int
    territory: Territory
    emails: tuple[str, ...]


def read_csv(text: str, campaign: Campaign) -> list[Row]:
    """Rows `code;adresse[;adresse…]`; every faulty line is named, nothing is half imported.

    A code is a SIREN or an INSEE code. A région and a département may share theirs (53 is
    Bretagne and Mayenne): when both are targeted, the line must say which, as `region:53` or
    `departement:53`."""
    rows: list[Row] = []
    errors: list[str] = []
    allowed = (
        {(territory.kind, territory.code) for territory in target_population(campaign.target)}
        if campaign.target
        else None
    )
    # Codes and addresses never hold a separator: any of ; , tab or space splits the cells, so
    # files from every spreadsheet (and hand-typed lists) read the same.
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        cells = [cell.strip().strip('"') for cell in SEPARATORS.split(line.strip())]
        if not cells or not "".join(cells).strip():
            continue
        code = cells[0].strip()
        if number == 1 and not any(char.isdigit() for char in code):
            continue  # a header line: "code;courriel"
        found = _territories(code)
        targeted = [t for t in found if allowed is None or (t.kind, t.code) in allowed]
        addresses = tuple(cell for cell in cells[1:] if cell)
        if not found:
            errors.append(
                f"ligne {number} : code « {code[:20]} » inconnu du référentiel des territoires"
            )
        elif not targeted:
            errors.append(
                f"ligne {number} : {found[0].name} n'est pas dans la population visée par la campagne"
            )
        elif len(targeted) > 1:
            names = " ; ".join(f"{t.name}, écrivez « {t.kind}:{t.code} »" for t in targeted)
            errors.append(
                f"ligne {number} : le code « {code[:20]} » désigne plusieurs collectivités ({names})"
            )
        elif not addresses:
            errors.append(f"ligne {number} : aucune adresse électronique")
        elif bad := [a for a in addresses if not EMAIL.match(a) or len(a) > 254]:
            errors.append(f"ligne {number} : adresse « {bad[0][:80]} » invalide")
        else:
            rows.append(Row(number, targeted[0], addresses))
        if len(errors) >= MAX_ERRORS or number > MAX_ROWS:
            break
    if errors:
        raise ImportRefused(
            "Le fichier contient des lignes invalides ; rien n'a été importé.",
            extra={
                "errors": [
                    {"loc": ["body", "csv"], "msg": error, "type": "csv"} for error in errors
                ]
            },
        )
    if not rows:
        raise ImportRefused("Le fichier ne contient aucune ligne à importer.")
    return rows


_KIND_PREFIXES: dict[str, Kind] = {
    "commune": "commune",
    "epci": "epci",
    "departement": "departement",
    "département": "departement",
    "region": "region",
    "région": "region",
}


def _territories(code: str) -> list[Territory]:
    """The local authorities a code names: one, or a région and a département sharing it;
    `kind:code` names one kind only."""
    index = get_index()
    prefix, colon, rest = code.partition(":")
    if colon:
        kind = _KIND_PREFIXES.get(prefix.strip().lower())
        found = index.lookup(rest, kind=kind) if kind else None
        return [found] if found else []
    return [found for kind in TARGET_KINDS if (found := index.lookup(code, kind=kind))]


def _invitation_values(
    campaign_id: int, territory: Territory, emails: str | None
) -> dict[str, object]:
    return {
        "campaign_id": campaign_id,
        "code": territory.code,
        "kind": territory.kind,
        "name": territory.name[:300],
        "population": territory.population,
        "band": band_of(territory.population),
        "region": territory.region,
        "departement": territory.departement,
        "emails": emails,
        "status": InvitationStatus.PENDING,
        "revision": 0,
        "reminders_sent": 0,
        "created_at": utcnow(),
    }


def import_rows(session: Session, campaign: Campaign, rows: Sequence[Row]) -> tuple[list[int], int]:
    """Create or complete invitations from CSV rows; returns their ids and how many are new."""
    assert campaign.id is not None
    existing: dict[tuple[str, str], int] = {
        (row.kind, row.code): row.id
        for row in session.connection().execute(
            select(col(Invitation.kind), col(Invitation.code), col(Invitation.id)).where(
                col(Invitation.campaign_id) == campaign.id
            )
        )
    }
    connection = session.connection()
    ids: list[int] = []
    created = 0
    for row in rows:
        emails = " ".join(dict.fromkeys(row.emails))[:2000]
        key = (row.territory.kind, row.territory.code)
        invitation_id = existing.get(key)
        if invitation_id is None:
            result = connection.execute(
                insert(Invitation).values(_invitation_values(campaign.id, row.territory, emails))
            )
            invitation_id = result.inserted_primary_key[0] if result.inserted_primary_key else None
            assert isinstance(invitation_id, int)
            existing[key] = invitation_id
            created += 1
        else:
            connection.execute(
                update(Invitation).where(col(Invitation.id) == invitation_id).values(emails=emails)
            )
        ids.append(invitation_id)
    return list(dict.fromkeys(ids)), created


def invite_population(session: Session, campaign: Campaign) -> int:
    """An invitation (without address yet) for every targeted local authority not invited."""
    assert campaign.id is not None
    known = set(
        session.connection().execute(
            select(col(Invitation.kind), col(Invitation.code)).where(
                col(Invitation.campaign_id) == campaign.id
            )
        )
    )
    values = [
        _invitation_values(campaign.id, territory, None)
        for territory in target_population(campaign.target)
        if (territory.kind, territory.code) not in known
    ]
    if values:
        session.connection().execute(insert(Invitation), values)
    return len(values)


def new_link(session: Session, invitation_id: int) -> str:
    link = private_links.issue()
    session.connection().execute(
        insert(InvitationLink).values(
            token_hash=link.digest, invitation_id=invitation_id, created_at=utcnow()
        )
    )
    return link.token


def send(
    session: Session,
    mail: MailSettings,
    campaign: Campaign,
    invitations: Iterable[Invitation],
    *,
    reminder: bool,
) -> int:
    """E-mail each invitation that has addresses a new personal link; returns how many went."""
    sent = 0
    now = utcnow()
    for invitation in invitations:
        if not invitation.emails or invitation.id is None:
            continue
        token = new_link(session, invitation.id)
        subject = (
            f"{'Relance — ' if reminder else ''}Observatoire des usages de l'IA : "
            f"le questionnaire de {header_text(invitation.name)}"
        )
        enqueue_mail(
            session,
            outbox,
            mail,
            to=invitation.emails.split(),
            subject=subject,
            text=_invitation_text(
                campaign, invitation, mail.link(f"/repondre.html#{token}"), reminder
            ),
            kind="survey-reminder" if reminder else "survey-invitation",
            reference=f"invitation:{invitation.id}",
        )
        values: dict[str, object] = (
            {"reminders_sent": invitation.reminders_sent + 1, "last_reminder_at": now}
            if reminder
            else {"sent_at": now}
        )
        if invitation.status == InvitationStatus.PENDING:
            values["status"] = InvitationStatus.SENT
        session.connection().execute(
            update(Invitation).where(col(Invitation.id) == invitation.id).values(values)
        )
        sent += 1
    return sent


def _invitation_text(campaign: Campaign, invitation: Invitation, link: str, reminder: bool) -> str:
    opening = (
        "Sauf erreur de notre part, le questionnaire de votre collectivité n'est pas encore envoyé."
        if reminder
        else "Votre collectivité est invitée à répondre à la campagne d'observation des usages "
        "de l'intelligence artificielle dans les collectivités."
    )
    return (
        f"Bonjour,\n\n{opening}\n\n"
        f"Campagne : {campaign.title}\n"
        f"Collectivité : {invitation.name}\n"
        f"Date limite : {french_day(campaign.closes_on)} (heure de Paris)\n\n"
        f"Pour répondre, ouvrez ce lien personnel :\n{link}\n\n"
        "Ce lien est propre à votre collectivité : vous pouvez le transmettre aux collègues qui "
        "répondront avec vous. Les réponses s'enregistrent au fil de la saisie, depuis n'importe "
        "quel appareil, et restent modifiables jusqu'à la clôture, même après l'envoi.\n\n"
        "Ne transférez pas ce message en dehors de votre collectivité.\n\n"
        "L'équipe du plan « Les intelligences associées des territoires »\n"
    )


def refresh_bounces(session: Session, campaign_id: int) -> None:
    """Invitations whose e-mail could not be delivered (given up by the outbox) are bounced."""
    failed = session.connection().execute(
        select(outbox.c.reference).where(
            outbox.c.status == "failed",
            outbox.c.kind.in_(["survey-invitation", "survey-reminder"]),
        )
    )
    ids = [int(ref.split(":", 1)[1]) for (ref,) in failed if ref and ref.startswith("invitation:")]
    if ids:
        session.connection().execute(
            update(Invitation)
            .where(col(Invitation.campaign_id) == campaign_id)
            .where(col(Invitation.id).in_(ids))
            .where(col(Invitation.status).in_([InvitationStatus.PENDING, InvitationStatus.SENT]))
            .values(status=InvitationStatus.BOUNCED)
        )
