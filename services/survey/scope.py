"""What the campaigns' frame leaves out (`data/outside_frame.json`, with its sources), so that
each local authority is counted once, in one stratum.

- The overseas collectivities with a status of their own (Saint-Pierre-et-Miquelon,
  Saint-Barthélemy, Saint-Martin, Wallis-et-Futuna, Polynésie française, Nouvelle-Calédonie)
  and the uninhabited TAAF and Clipperton: the territories reference lists each both as a
  département and as a région (Saint-Martin, Saint-Barthélemy, the TAAF's districts and
  Clipperton also as communes, the last two without population, hence in the band under 500).
  Counted as they come, one authority would weigh in three strata, and a région would be one
  authority whose answers anyone could read off. They are outside the strata the observatory
  estimates over (communes by band, EPCI, départements, régions): out of scope, with their
  communes, as the methodology note says.
- The authorities the reference lists twice (a collectivité unique as région and département,
  Paris as commune and département, the Collectivité européenne d'Alsace as its two former
  départements): counted once, as the entry kept.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from services.common.territories.search import Territory

DATA_FILE = Path(__file__).resolve().parent / "data" / "outside_frame.json"


@functools.lru_cache(maxsize=1)
def outside_frame() -> dict[str, Any]:
    """The listed collectivities, their status and the sources of the rule."""
    with DATA_FILE.open(encoding="utf-8") as handle:
        document: dict[str, Any] = json.load(handle)
    return document


@functools.lru_cache(maxsize=1)
def _codes() -> frozenset[str]:
    return frozenset(str(item["code"]) for item in outside_frame()["outside"])


@functools.lru_cache(maxsize=1)
def _dropped() -> frozenset[tuple[str, str]]:
    return frozenset(
        (str(entry["kind"]), str(entry["code"]))
        for item in outside_frame()["one_authority"]
        for entry in item["dropped"]
    )


def in_frame(territory: Territory) -> bool:
    """Whether a territory of the reference can be in a campaign's frame."""
    own = territory.code if territory.kind in ("departement", "region") else territory.region
    return own not in _codes() and (territory.kind, territory.code) not in _dropped()
