"""campaign frame: the sampling frame counted at the campaign's creation and kept with it

Revision ID: 8d2f6a1b9c37
Revises: 5b7e0c4d2a91
Create Date: 2026-11-27 09:20:00.000000

"""

import gzip
import json
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator, Sequence, Union
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "8d2f6a1b9c37"
down_revision: Union[str, Sequence[str], None] = "5b7e0c4d2a91"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "campaign_frame",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("band", sa.String(length=20), nullable=False),
        sa.Column("region", sa.String(length=10), nullable=False),
        sa.Column("stratum", sa.String(length=30), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"]),
        sa.PrimaryKeyConstraint("campaign_id", "kind", "band", "region", "stratum"),
    )
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(sa.Column("frame_source", sa.JSON(), nullable=True))
    # The campaigns created before: their frame is counted now, in the territories reference
    # shipped with the code (the note states its version and the day). A frozen copy of the
    # service's rules of 2026-11-27 (below): later changes to the service do not change this.
    connection = op.get_bind()
    document = _reference()
    source = {
        "package": str(document["source"]["package"]),
        "version": str(document["source"]["version"]),
        "frozen_on": datetime.now(ZoneInfo("Europe/Paris")).date().isoformat(),
    }
    for campaign_id, target in connection.execute(sa.text("SELECT id, target FROM campaign")).all():
        decoded = json.loads(target) if isinstance(target, str) else target
        rows = [
            {
                "campaign_id": campaign_id,
                "kind": kind,
                "band": band,
                "region": region,
                "stratum": stratum,
                "units": n,
            }
            for (kind, band, region, stratum), n in frame_classes(document, decoded).items()
        ]
        if rows:
            connection.execute(sa.insert(_FRAME), rows)
        connection.execute(
            sa.update(_CAMPAIGN).where(_CAMPAIGN.c.id == campaign_id).values(frame_source=source)
        )


# Frozen copies (2026-11-27) of services.common.territories.search (the reference file, format
# 1), services.survey.campaigns (bands, target) and services.survey.observatory.frame (classes).
REFERENCE = (
    Path(__file__).resolve().parents[3] / "services/common/territories/data/territories.json.gz"
)
TARGET_KINDS = ("commune", "epci", "departement", "region")
BANDS = (
    ("0-499", 500),
    ("500-1999", 2000),
    ("2000-9999", 10000),
    ("10000-49999", 50000),
    ("50000-199999", 200000),
    ("200000+", None),
)
EPCI_FORMS = ("CC", "CA", "CU", "METRO")
_FRAME = sa.table(
    "campaign_frame",
    sa.column("campaign_id"),
    sa.column("kind"),
    sa.column("band"),
    sa.column("region"),
    sa.column("stratum"),
    sa.column("units"),
)
_CAMPAIGN = sa.table("campaign", sa.column("id"), sa.column("frame_source", sa.JSON()))


def _reference() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(gzip.decompress(REFERENCE.read_bytes()))
    if document.get("format") != 1:
        raise RuntimeError(f"{REFERENCE} has format {document.get('format')}, expected 1")
    return document


def _rows(document: dict[str, Any], table: str) -> Iterator[dict[str, Any]]:
    columns = document["columns"][table]
    return (dict(zip(columns, row, strict=True)) for row in document[table])


def units(document: dict[str, Any]) -> Iterator[tuple[str, int | None, str | None, str | None]]:
    """(kind, population, région, EPCI type) of each local authority a campaign can target."""
    for row in _rows(document, "regions"):
        yield "region", row["population"], row["code"], None
    for row in _rows(document, "departements"):
        yield "departement", row["population"], row["region"], None
    for row in _rows(document, "epci"):
        yield "epci", row["population"], row["region"], row["type"]
    for row in _rows(document, "communes"):
        yield "commune", row["population"], row["region"], None


def band_of(population: int | None) -> str:
    for code, upper in BANDS:
        if upper is None or (population or 0) < upper:
            return code
    return BANDS[-1][0]


def stratum_of(kind: str, band: str, epci_kind: str | None) -> str:
    if kind == "commune":
        return f"commune/{band}"
    if kind == "epci":
        form = "METRO" if epci_kind in ("METRO", "MET69") else (epci_kind or "CC")
        return f"epci/{form if form in EPCI_FORMS else 'CC'}"
    return kind


def frame_classes(
    document: dict[str, Any], target: dict[str, Any] | None
) -> Counter[tuple[str, str, str, str]]:
    """Units of the targeted population by class (kind, band, région, stratum)."""
    target = target or {}
    kinds = set(target.get("kinds") or TARGET_KINDS)
    regions = set(target.get("regions") or ())
    bands = set(target.get("population_bands") or ())
    counts: Counter[tuple[str, str, str, str]] = Counter()
    for kind, population, region, epci_kind in units(document):
        band = band_of(population)
        if kind in kinds and (not regions or region in regions) and (not bands or band in bands):
            counts[(kind, band, region or "", stratum_of(kind, band, epci_kind))] += 1
    return counts


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_column("frame_source")
    op.drop_table("campaign_frame")
