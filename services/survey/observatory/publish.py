"""What the public endpoints serve: results by breakdown, cached until the answers change.

The cache key is read from the database on every request (how many responses are submitted and
when the last of them changed), so a new submission, or a change to a submitted response,
invalidates it in every instance of the service at once; nothing needs to be told.

The estimators (`results`, with NumPy and SciPy) are imported on the first computation, not
with this module: what only reads the campaign (whether it is closed, the cache key, the empty
result before the close) does not load them. `warm_up` loads them ahead of that.
"""

from __future__ import annotations

import gc
import json
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, select

from services.common.database_caches import PerDatabase
from services.common.sql import utcnow
from services.survey.campaigns import french_day, status_on, today_in_paris
from services.survey.models import Campaign, CampaignStatus, Invitation, InvitationStatus
from services.survey.observatory import tallies
from services.survey.observatory.breakdowns import BREAKDOWNS
from services.survey.observatory.frame import frame_counts
from services.survey.observatory.standards import Interval
from services.survey.observatory.units import units_of
from services.survey.questionnaires.store import Parsed

if TYPE_CHECKING:
    from services.survey.observatory.results import Masks, Prepared

invitation_t = Invitation.__table__  # type: ignore[attr-defined]
EMPTY = "Aucune réponse n'a été envoyée pendant la campagne : il n'y a aucun résultat à publier."
CACHED_CAMPAIGNS = 8


def is_closed(campaign: Campaign) -> bool:
    """Answers are published only once nobody can submit any more: while a campaign is open,
    comparing two successive publications would attribute the change to the last submission."""
    return status_on(campaign, day=today_in_paris(utcnow())) is CampaignStatus.CLOSED


def not_yet(campaign: Campaign) -> str:
    """Why nothing is published before the close."""
    return (
        f"Les résultats seront publiés à la clôture de la campagne, après le "
        f"{french_day(campaign.closes_on)} : tant qu'elle est ouverte, comparer deux "
        "publications successives révélerait la réponse de la dernière collectivité à répondre."
    )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """A computation builds hundreds of thousands of small objects and no cycles: the cyclic
    garbage collector, run every few hundred allocations, only slows it down (by half, for 12,000
    responses); it runs again as usual afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass(frozen=True)
class Computed:
    """A campaign's counts as arrays, and its breakdowns, each built on first request."""

    prepared: Prepared | None
    threshold: int
    breakdowns: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    # The hidden cells of every breakdown, suppressed together (see `results.hidden_cells`).
    masks: list[Masks] = field(default_factory=list)
    suppressing: threading.Lock = field(default_factory=threading.Lock)

    def breakdown(self, name: str, interval: Interval = "korn-graubard") -> dict[str, Any] | None:
        if self.prepared is None:
            return None
        from services.survey.observatory import results  # on first use: see the docstring

        with _lock:
            found = self.breakdowns.get((name, interval))
        # One thread suppresses (the costly part, over every breakdown at once); the page's
        # simultaneous requests wait for it rather than each redo it.
        with self.suppressing, _collector_paused():
            if not self.masks:
                self.masks.append(results.hidden_cells(self.prepared, k=self.threshold))
            masks = self.masks[0]
        if found is None:
            with _collector_paused():
                found = results.published(
                    self.prepared, name, k=self.threshold, hidden=masks[name], interval=interval
                )
            with _lock:
                self.breakdowns[(name, interval)] = found
        return found


_results: PerDatabase[OrderedDict[tuple[Any, ...], Computed]] = PerDatabase(OrderedDict)
_lock = threading.Lock()
_computing: dict[int | None, threading.Lock] = {}


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
    cache = _results.of(connection)
    with _lock:
        hit = cache.get(key)
        if hit is not None:
            cache.move_to_end(key)
            return hit
        computing = _computing.setdefault(campaign.id, threading.Lock())
    # Simultaneous first requests (the page asks for several things at once) compute once.
    with computing:
        with _lock:
            hit = cache.get(key)
        if hit is not None:
            return hit
        with _collector_paused():
            value = _compute(connection, campaign, parsed)
        with _lock:
            for old in [old for old in cache if old[0] == campaign.id]:
                del cache[old]
            cache[key] = value
            while len(cache) > CACHED_CAMPAIGNS:
                cache.popitem(last=False)
    return value


def _compute(connection: Connection, campaign: Campaign, parsed: Parsed) -> Computed:
    from services.survey.observatory import results  # on first use: see the docstring

    assert campaign.id is not None
    units, skipped = units_of(parsed)
    coded = sorted({unit.question for unit in units if unit.shape != "numeric"})
    numeric = sorted({unit.question for unit in units if unit.shape == "numeric"})
    counts = tallies.count(connection, campaign.id, coded=coded, numeric=numeric)
    if not counts.respondents:
        return Computed(None, campaign.disclosure_threshold)
    prepared = results.prepare(counts, frame_counts(connection, campaign.id), units, skipped)
    return Computed(prepared, campaign.disclosure_threshold)


def results_for(
    connection: Connection,
    campaign: Campaign,
    parsed: Parsed,
    breakdown: str,
    interval: Interval = "korn-graubard",
) -> dict[str, Any]:
    """One breakdown; an explained empty result before the close or while nobody has
    submitted."""
    closed = is_closed(campaign)
    found = (
        computed(connection, campaign, parsed).breakdown(breakdown, interval) if closed else None
    )
    if found is not None:
        return {"campaign_id": campaign.id, "empty": False, "message": None, **found}
    return {
        "campaign_id": campaign.id,
        "empty": True,
        "message": EMPTY if closed else not_yet(campaign),
        "breakdown": breakdown,
        "breakdown_label": BREAKDOWNS[breakdown],
        "interval": interval,
        "threshold": campaign.disclosure_threshold,
        "respondents": 0,
        "design_effect": None,
        "domains": [],
        "questions": [],
        "not_published": [],
    }


def warm_up() -> None:
    """Import the estimators (NumPy, SciPy) now, so that the first computation does not wait
    for them."""
    from services.survey.observatory import results  # noqa: F401


def clear() -> None:
    """Forget every cached result (the benchmark measures cold computations)."""
    _results.clear()


def as_json(result: dict[str, Any]) -> bytes:
    return json.dumps(result, ensure_ascii=False, separators=(",", ":")).encode()
