"""What the public endpoints serve: results by breakdown, cached until the answers change.

The cache key is read from the database on every request (how many responses are submitted and
when the last of them changed), so a new submission, or a change to a submitted response,
invalidates it in every instance of the service at once; nothing needs to be told.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, select

from services.survey.models import Campaign, Invitation, InvitationStatus
from services.survey.observatory import results, tallies
from services.survey.observatory.breakdowns import BREAKDOWNS
from services.survey.observatory.frame import frame_counts
from services.survey.observatory.units import units_of
from services.survey.questionnaires.store import Parsed

invitation_t = Invitation.__table__  # type: ignore[attr-defined]
EMPTY = (
    "Aucune réponse n'a encore été envoyée : les résultats paraîtront avec les premières "
    "réponses, sous réserve du secret statistique."
)
CACHED_CAMPAIGNS = 8


@dataclass(frozen=True)
class Computed:
    """A campaign's counts as arrays, and its breakdowns, each built on first request."""

    prepared: results.Prepared | None
    threshold: int
    breakdowns: dict[str, dict[str, Any]] = field(default_factory=dict)

    def breakdown(self, name: str) -> dict[str, Any] | None:
        if self.prepared is None:
            return None
        with _lock:
            found = self.breakdowns.get(name)
        if found is None:
            found = results.published(self.prepared, name, k=self.threshold)
            with _lock:
                self.breakdowns[name] = found
        return found


_cache: OrderedDict[tuple[Any, ...], Computed] = OrderedDict()
_lock = threading.Lock()


def stamp(connection: Connection, campaign: Campaign) -> tuple[Any, ...]:
    """What the results depend on: the submitted responses (count, last change) and the
    campaign's own settings."""
    row = connection.execute(
        select(
            func.count(), func.max(invitation_t.c.updated_at), func.max(invitation_t.c.submitted_at)
        )
        .where(invitation_t.c.campaign_id == campaign.id)
        .where(invitation_t.c.status == InvitationStatus.SUBMITTED)
    ).one()
    return (campaign.id, campaign.version, campaign.disclosure_threshold, *map(str, row))


def computed(connection: Connection, campaign: Campaign, parsed: Parsed) -> Computed:
    key = stamp(connection, campaign)
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    value = _compute(connection, campaign, parsed)
    with _lock:
        for old in [old for old in _cache if old[0] == campaign.id]:
            del _cache[old]
        _cache[key] = value
        while len(_cache) > CACHED_CAMPAIGNS:
            _cache.popitem(last=False)
    return value


def _compute(connection: Connection, campaign: Campaign, parsed: Parsed) -> Computed:
    assert campaign.id is not None
    units, skipped = units_of(parsed)
    coded = sorted({unit.question for unit in units if unit.shape != "numeric"})
    numeric = sorted({unit.question for unit in units if unit.shape == "numeric"})
    counts = tallies.count(connection, campaign.id, coded=coded, numeric=numeric)
    if not counts.respondents:
        return Computed(None, campaign.disclosure_threshold)
    prepared = results.prepare(counts, frame_counts(campaign.target), units, skipped)
    return Computed(prepared, campaign.disclosure_threshold)


def results_for(
    connection: Connection, campaign: Campaign, parsed: Parsed, breakdown: str
) -> dict[str, Any]:
    """One breakdown; an explained empty result while nobody has submitted."""
    found = computed(connection, campaign, parsed).breakdown(breakdown)
    if found is not None:
        return {"campaign_id": campaign.id, "empty": False, "message": None, **found}
    return {
        "campaign_id": campaign.id,
        "empty": True,
        "message": EMPTY,
        "breakdown": breakdown,
        "breakdown_label": BREAKDOWNS[breakdown],
        "threshold": campaign.disclosure_threshold,
        "respondents": 0,
        "domains": [],
        "questions": [],
        "not_published": [],
    }


def clear() -> None:
    """Forget every cached result (the benchmark measures cold computations)."""
    with _lock:
        _cache.clear()


def as_json(result: dict[str, Any]) -> bytes:
    return json.dumps(result, ensure_ascii=False, separators=(",", ":")).encode()
