"""Live participation of a campaign: invited, started and submitted, by kind and population
band, by région and by département. Three GROUP BY queries on the invitations."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from services.common.territories.search import Kind, get_index
from services.survey.campaigns import BAND_LABELS, reference_strata
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
# An invitation whose kind and band no authority of the frame has (a population unknown, an
# overseas collectivity): counted in its kind's row "hors du cadre", never under an impossible
# label such as "Départements — moins de 500 habitants".
OUTSIDE = "hors-cadre"


def _kind_and_band(key: tuple[str, ...]) -> tuple[str, ...]:
    kind, band = key
    return key if (kind, band) in reference_strata() else (kind, OUTSIDE)


def _kind_band_order(key: tuple[str, ...]) -> tuple[int, int]:
    """Kinds in their usual order, bands by size, the row outside the frame last."""
    kind, band = key
    bands = list(BAND_LABELS)
    kinds = list(KIND_LABELS)
    return (
        kinds.index(kind) if kind in kinds else len(kinds),
        bands.index(band) if band in bands else len(bands),
    )


def _kind_band_label(key: tuple[str, ...]) -> str:
    kind, band = key
    if band == OUTSIDE:
        return f"{KIND_LABELS.get(kind, kind)} hors du cadre de référence"
    return f"{KIND_LABELS.get(kind, kind)} — {BAND_LABELS.get(band, band).lower()}"


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
            key = tuple(v or "" for v in row[: len(columns)])
            counts = tally.setdefault(
                _kind_and_band(key) if breakdown == "kind" else key, [0, 0, 0]
            )
            counts[0] += row.n
            counts[1] += row.n if row.status in STARTED else 0
            counts[2] += row.n if row.status == InvitationStatus.SUBMITTED else 0

    def name(code: str, kind: Kind) -> str:
        territory = index.lookup(code, kind=kind) if code else None
        return territory.name if territory else "Non renseigné"

    def cells(tally: dict[tuple[str, ...], list[int]], label: Any, order: Any = None) -> list[Cell]:
        return [
            Cell(key="/".join(key), label=label(key), invited=n[0], started=n[1], submitted=n[2])
            for key, n in sorted(
                tally.items(), key=lambda item: order(item[0]) if order else item[0]
            )
        ]

    totals = [sum(n[i] for n in tallies["region"].values()) for i in range(3)]
    return Participation(
        total=Cell(
            key="total", label="Ensemble", invited=totals[0], started=totals[1], submitted=totals[2]
        ),
        by_kind_and_band=cells(tallies["kind"], _kind_band_label, _kind_band_order),
        by_region=cells(tallies["region"], lambda key: name(key[0], "region")),
        by_departement=cells(tallies["departement"], lambda key: name(key[0], "departement")),
    )
