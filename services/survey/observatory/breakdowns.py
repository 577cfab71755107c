"""The published breakdowns: how classes group into domains, and the domains' names."""

from __future__ import annotations

from collections.abc import Callable

from services.common.territories.search import get_index
from services.survey.campaigns import BAND_LABELS
from services.survey.observatory.frame import Class
from services.survey.participation import KIND_LABELS

BREAKDOWNS: dict[str, str] = {
    "national": "Ensemble",
    "kind": "Type de collectivité",
    "band": "Taille (population)",
    "region": "Région",
    # Kind × population band: the peers a local authority is compared with.
    "kind_band": "Type et taille",
}
KIND_ORDER = ("commune", "epci", "departement", "region")

_KEYS: dict[str, Callable[[Class], str]] = {
    "national": lambda c: "ensemble",
    "kind": lambda c: c.kind,
    "band": lambda c: c.band,
    "region": lambda c: c.region,
    "kind_band": lambda c: f"{c.kind}/{c.band}",
}


def domain_of(breakdown: str, cls: Class) -> str:
    return _KEYS[breakdown](cls)


def domain_label(breakdown: str, key: str) -> str:
    if breakdown == "national":
        return "Ensemble des collectivités"
    if breakdown == "kind":
        return KIND_LABELS.get(key, key)
    if breakdown == "band":
        return BAND_LABELS.get(key, key)
    if breakdown == "region":
        territory = get_index().lookup(key, kind="region") if key else None
        return territory.name if territory else "Non renseignée"
    kind, _, band = key.partition("/")
    return f"{KIND_LABELS.get(kind, kind)} — {BAND_LABELS.get(band, band).lower()}"


def domain_order(breakdown: str, key: str) -> tuple[int, str]:
    """Kinds in their usual order, bands by size, régions by name."""
    if breakdown == "kind":
        return (KIND_ORDER.index(key) if key in KIND_ORDER else 9, key)
    if breakdown == "band":
        return (list(BAND_LABELS).index(key) if key in BAND_LABELS else 9, key)
    if breakdown == "kind_band":
        kind, _, band = key.partition("/")
        rank = KIND_ORDER.index(kind) if kind in KIND_ORDER else 9
        return (rank * 10 + (list(BAND_LABELS).index(band) if band in BAND_LABELS else 9), key)
    return (0, domain_label(breakdown, key))
