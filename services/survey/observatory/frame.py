"""The sampling frame of a campaign: the local authorities it targets, in post-strata, counted
in the territories reference when the campaign is created and kept with it (`campaign_frame`).

Post-strata follow the reference: communes by population band, EPCI by legal form, départements
and régions each one stratum. Every unit of the frame falls in a *class* (kind, band, région,
stratum), the finest partition that the weights and every published breakdown need; counts of
respondents and of the frame are both kept by class, so weights and domain sizes are sums.
"""

from __future__ import annotations

import functools
import gzip
import json
from collections import Counter
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import Connection, delete, func, insert, select, update

from services.common.sql import utcnow
from services.common.territories.build import DATA_DIR, DATA_FILE_NAME
from services.common.territories.search import Territory
from services.survey.campaigns import BANDS, band_of, target_population, today_in_paris
from services.survey.models import Campaign, CampaignFrame

# Ordered so that neighbours are adjacent: a sparse stratum is collapsed into the next one of the
# same kind (a commune band into the band above or below it, a legal form into the next one).
EPCI_FORMS = ("CC", "CA", "CU", "METRO")
STRATA: tuple[tuple[str, str], ...] = (
    *((f"commune/{code}", f"Communes — {label.lower()}") for code, label, _ in BANDS),
    ("epci/CC", "Communautés de communes"),
    ("epci/CA", "Communautés d'agglomération"),
    ("epci/CU", "Communautés urbaines"),
    ("epci/METRO", "Métropoles"),
    ("departement", "Départements"),
    ("region", "Régions"),
)
# Below this many respondents a post-stratum is merged with its neighbour (reference §5.1),
# unless every unit of it answered (a census stratum needs no weight and adds no variance).
MIN_STRATUM_RESPONDENTS = 5


frame_t = CampaignFrame.__table__  # type: ignore[attr-defined]
campaign_t = Campaign.__table__  # type: ignore[attr-defined]


class Class(NamedTuple):
    """The finest cell of a campaign: what a breakdown or a post-stratum is made of."""

    kind: str
    band: str
    region: str
    stratum: str


def epci_form(epci_kind: str | None) -> str:
    """Legal form of an EPCI; the Lyon metropolis (MET69) is a métropole."""
    form = "METRO" if epci_kind in ("METRO", "MET69") else (epci_kind or "CC")
    return form if form in EPCI_FORMS else "CC"


def stratum_of(kind: str, band: str, epci_kind: str | None) -> str:
    if kind == "commune":
        return f"commune/{band}"
    if kind == "epci":
        return f"epci/{epci_form(epci_kind)}"
    return kind


def class_of(territory: Territory) -> Class:
    band = band_of(territory.population)
    return Class(
        territory.kind,
        band,
        territory.region or "",
        stratum_of(territory.kind, band, territory.epci_kind),
    )


def freeze(connection: Connection, campaign_id: int, target: dict[str, Any] | None) -> None:
    """Count the campaign's frame by class in the current territories reference and keep it,
    with the reference's version and the day, for the campaign's whole life."""
    counts = Counter(class_of(territory) for territory in target_population(target or None))
    connection.execute(delete(frame_t).where(frame_t.c.campaign_id == campaign_id))
    if counts:
        connection.execute(
            insert(frame_t),
            [
                {"campaign_id": campaign_id, **cls._asdict(), "units": n}
                for cls, n in counts.items()
            ],
        )
    source = {**reference_source(), "frozen_on": today_in_paris(utcnow()).isoformat()}
    connection.execute(
        update(campaign_t).where(campaign_t.c.id == campaign_id).values(frame_source=source)
    )


_FRAME = select(
    frame_t.c.kind, frame_t.c.band, frame_t.c.region, frame_t.c.stratum, frame_t.c.units
)


def frame_counts(connection: Connection, campaign_id: int) -> dict[Class, int]:
    """Units of the campaign's frozen frame by class."""
    rows = connection.execute(_FRAME.where(frame_t.c.campaign_id == campaign_id))
    return {
        Class(kind, band, region, stratum): units for kind, band, region, stratum, units in rows
    }


def frame_size(connection: Connection, campaign_id: int) -> int:
    """How many local authorities the campaign targets."""
    total = connection.execute(
        select(func.sum(frame_t.c.units)).where(frame_t.c.campaign_id == campaign_id)
    ).scalar()
    return int(total or 0)


@functools.lru_cache(maxsize=1)
def reference_source() -> dict[str, str]:
    """Which version of the territories reference this process carries."""
    with gzip.open(DATA_DIR / DATA_FILE_NAME, "rt", encoding="utf-8") as handle:
        source = json.load(handle)["source"]
    return {"package": str(source["package"]), "version": str(source["version"])}


@dataclass(frozen=True)
class PostStrata:
    """Strata after collapsing: for each original stratum the group it went to."""

    group_of: dict[str, int]  # original stratum key -> group index
    labels: list[str]  # label of each group ("Communes — moins de 500 habitants + …")
    population: list[int]  # N_g
    respondents: list[int]  # n_g


def collapse(population: dict[str, int], respondents: dict[str, int]) -> PostStrata:
    """Merge sparse strata into their neighbour until each has enough respondents.

    A stratum is sparse when it has fewer than `MIN_STRATUM_RESPONDENTS` respondents and is not
    a census (n = N). The sparsest is merged first, into the adjacent group of the same kind
    (else the adjacent group), the one with fewer respondents when both sides qualify.
    """
    groups: list[list[str]] = [[key] for key, _ in STRATA if population.get(key, 0) > 0]
    if not groups:
        return PostStrata({}, [], [], [])

    def size(group: list[str], counts: dict[str, int]) -> int:
        return sum(counts.get(key, 0) for key in group)

    def sparse(group: list[str]) -> bool:
        n, big_n = size(group, respondents), size(group, population)
        return n < min(MIN_STRATUM_RESPONDENTS, big_n)

    while len(groups) > 1 and any(sparse(group) for group in groups):
        index = min(
            (i for i, group in enumerate(groups) if sparse(group)),
            key=lambda i: size(groups[i], respondents),
        )
        kind = groups[index][0].split("/")[0]
        neighbours = [i for i in (index - 1, index + 1) if 0 <= i < len(groups)]
        same_kind = [i for i in neighbours if groups[i][0].split("/")[0] == kind]
        into = min(same_kind or neighbours, key=lambda i: size(groups[i], respondents))
        low, high = sorted((index, into))
        groups[low : high + 1] = [groups[low] + groups[high]]
    labels = dict(STRATA)
    return PostStrata(
        group_of={key: number for number, group in enumerate(groups) for key in group},
        labels=[" + ".join(labels[key] for key in group) for group in groups],
        population=[size(group, population) for group in groups],
        respondents=[size(group, respondents) for group in groups],
    )
