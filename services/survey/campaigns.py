"""Rules on campaigns: when they are open, which ones the public sees, whom they target."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from services.common.errors import Conflict
from services.common.territories.search import Kind, Territory, get_index
from services.survey.models import Campaign, CampaignStatus
from services.survey.scope import in_frame

PARIS = ZoneInfo("Europe/Paris")
TARGET_KINDS: tuple[Kind, ...] = ("commune", "epci", "departement", "region")
# Population bands of the participation figures and of the targets (upper bounds excluded).
BANDS: tuple[tuple[str, str, int | None], ...] = (
    ("0-499", "Moins de 500 habitants", 500),
    ("500-1999", "De 500 à 1 999 habitants", 2000),
    ("2000-9999", "De 2 000 à 9 999 habitants", 10000),
    ("10000-49999", "De 10 000 à 49 999 habitants", 50000),
    ("50000-199999", "De 50 000 à 199 999 habitants", 200000),
    ("200000+", "200 000 habitants et plus", None),
)
BAND_LABELS = {code: label for code, label, _ in BANDS}
# The closed campaign that `iat-admin seed` fills with generated responses (seed.py): its
# figures illustrate the observatory and describe no real local authority.
DEMO_RESULTS = "observation-2025"


class Dated(Protocol):
    """A campaign as the date rules see it (the table row, or the answering path's record)."""

    @property
    def title(self) -> str: ...
    @property
    def opens_on(self) -> date: ...
    @property
    def closes_on(self) -> date: ...


def band_of(population: int | None) -> str:
    for code, _label, upper in BANDS:
        if upper is None or (population or 0) < upper:
            return code
    return BANDS[-1][0]


def today_in_paris(now: datetime) -> date:
    """Campaign dates are French calendar days, whatever the server's time zone."""
    return now.astimezone(PARIS).date()


def opens_at(campaign: Dated) -> datetime:
    return datetime.combine(campaign.opens_on, time(0), PARIS).astimezone(UTC)


def closes_at(campaign: Dated) -> datetime:
    """The end of the closing day in Paris: midnight of the next day."""
    return datetime.combine(campaign.closes_on + timedelta(days=1), time(0), PARIS).astimezone(UTC)


def status_on(campaign: Dated, *, day: date) -> CampaignStatus:
    if day < campaign.opens_on:
        return CampaignStatus.UPCOMING
    if day > campaign.closes_on:
        return CampaignStatus.CLOSED
    return CampaignStatus.OPEN


def french_day(day: date) -> str:
    months = (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    )
    return f"{day.day}{'er' if day.day == 1 else ''} {months[day.month - 1]} {day.year}"


def ensure_open(campaign: Dated, *, now: datetime) -> None:
    """Answers may change from the opening day to the closing day (Paris time) included."""
    status = status_on(campaign, day=today_in_paris(now))
    if status is CampaignStatus.CLOSED:
        raise Conflict(
            f"La campagne « {campaign.title} » est close depuis le "
            f"{french_day(campaign.closes_on)} à minuit (heure de Paris) : les réponses ne "
            "peuvent plus être modifiées.",
            extra={"closed_at": closes_at(campaign).isoformat()},
        )
    if status is CampaignStatus.UPCOMING:
        raise Conflict(
            f"La campagne « {campaign.title} » ouvrira le {french_day(campaign.opens_on)} "
            "(heure de Paris).",
            extra={"opens_at": opens_at(campaign).isoformat()},
        )


def listed_campaigns(*, with_drafts: bool) -> SelectOfScalar[Campaign]:
    """Campaigns, the most recently opened first; drafts only for analysts."""
    statement = select(Campaign)
    if not with_drafts:
        statement = statement.where(col(Campaign.published).is_(True))
    return statement.order_by(col(Campaign.opens_on).desc(), col(Campaign.id).desc())


def target_population(target: dict[str, Any] | None) -> Iterator[Territory]:
    """The local authorities of the reference a campaign targets (all four kinds by default),
    without the overseas collectivities that are outside every frame (`scope`)."""
    target = target or {}
    kinds = set(target.get("kinds") or TARGET_KINDS)
    regions = set(target.get("regions") or ())
    bands = set(target.get("population_bands") or ())
    for territory in get_index().territories:
        if territory.kind not in kinds or not in_frame(territory):
            continue
        if regions and territory.region not in regions:
            continue
        if bands and band_of(territory.population) not in bands:
            continue
        yield territory


@cache
def reference_strata() -> frozenset[tuple[str, str]]:
    """The (kind, population band) pairs that local authorities of the national frame fall
    in: no département has fewer than 500 inhabitants, no région fewer than 200,000."""
    return frozenset((t.kind, band_of(t.population)) for t in target_population(None))
