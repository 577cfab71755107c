"""Live participation of a campaign: invited, started and submitted, by kind and population
band, by région and by département. Three GROUP BY queries on the invitations."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from services.common.territories.search import Kind, get_index
from services.survey.campaigns import BAND_LABELS
from services.survey.models import Invitation, InvitationStatus
from services.survey.schemas import Cell, Participation

invitation_t = Invitation.__table__  # type: ignore[attr-defined]
STARTED = [InvitationStatus.STARTED, InvitationStatus.SUBMITTED]
KIND_LABELS = {
    "commune": "Communes",
    "epci": "EPCI",
    "departement": "Départements",
    "region": "Régions",
}


def _counts(session: Session, campaign_id: int, *columns: Any) -> list[Any]:
    """Invitations of the campaign counted by `columns` and state (a few dozen rows)."""
    statement = (
        select(*columns, invitation_t.c.status, func.count().label("n"))
        .where(invitation_t.c.campaign_id == campaign_id)
        .group_by(*columns, invitation_t.c.status)
    )
    return list(session.connection().execute(statement))


def participation(session: Session, campaign_id: int) -> Participation:
    index = get_index()
    tallies: dict[str, dict[tuple[str, ...], list[int]]] = {}
    for breakdown, columns in (
        ("kind", (invitation_t.c.kind, invitation_t.c.band)),
        ("region", (invitation_t.c.region,)),
        ("departement", (invitation_t.c.departement,)),
    ):
        tally: dict[tuple[str, ...], list[int]] = {}
        tallies[breakdown] = tally
        for row in _counts(session, campaign_id, *columns):
            counts = tally.setdefault(tuple(v or "" for v in row[: len(columns)]), [0, 0, 0])
            counts[0] += row.n
            counts[1] += row.n if row.status in STARTED else 0
            counts[2] += row.n if row.status == InvitationStatus.SUBMITTED else 0

    def name(code: str, kind: Kind) -> str:
        territory = index.lookup(code, kind=kind) if code else None
        return territory.name if territory else "Non renseigné"

    def cells(tally: dict[tuple[str, ...], list[int]], label: Any) -> list[Cell]:
        return [
            Cell(key="/".join(key), label=label(key), invited=n[0], started=n[1], submitted=n[2])
            for key, n in sorted(tally.items())
        ]

    totals = [sum(n[i] for n in tallies["region"].values()) for i in range(3)]
    return Participation(
        total=Cell(
            key="total", label="Ensemble", invited=totals[0], started=totals[1], submitted=totals[2]
        ),
        by_kind_and_band=cells(
            tallies["kind"],
            lambda key: (
                f"{KIND_LABELS.get(key[0], key[0])} — {BAND_LABELS.get(key[1], key[1]).lower()}"
            ),
        ),
        by_region=cells(tallies["region"], lambda key: name(key[0], "region")),
        by_departement=cells(tallies["departement"], lambda key: name(key[0], "departement")),
    )
