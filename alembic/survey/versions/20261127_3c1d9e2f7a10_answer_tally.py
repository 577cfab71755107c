"""answer tally: submitted answers counted by class, kept up to date by the writes

Revision ID: 3c1d9e2f7a10
Revises: 967ef6874107
Create Date: 2026-11-27 09:10:00.000000

"""

import gzip
import json
from collections import Counter
from pathlib import Path
from typing import Any, Iterator, Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "3c1d9e2f7a10"
down_revision: Union[str, Sequence[str], None] = "967ef6874107"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "answer_tally",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("band", sa.String(length=20), nullable=False),
        sa.Column("region", sa.String(length=10), nullable=False),
        sa.Column("form", sa.String(length=10), nullable=False),
        sa.Column("key", sa.String(length=63), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"]),
        sa.PrimaryKeyConstraint("campaign_id", "kind", "band", "region", "form", "key", "value"),
    )
    # Count the responses already submitted, as the service counted them on 2026-11-27: a frozen
    # copy of its rules (below), so that later changes to the service do not change this step.
    connection = op.get_bind()
    campaigns = connection.execute(
        sa.text(
            "SELECT c.id, q.definition FROM campaign c JOIN questionnaire q"
            " ON q.id = c.questionnaire_id WHERE q.status = 'published'"
        )
    ).all()
    forms = epci_forms() if campaigns else {}
    for campaign_id, definition in campaigns:
        document = json.loads(definition) if isinstance(definition, str) else definition
        rebuild(connection, campaign_id, estimated_keys(document), forms)


# Frozen copies (2026-11-27) of services.survey.observatory.tallies (`rebuild`, `class_key`,
# `canonical`), .units (`estimated_keys`), .frame (`epci_form`), services.survey.definition
# (`flatten`) and the territories reference reader (format 1).
REFERENCE = (
    Path(__file__).resolve().parents[3] / "services/common/territories/data/territories.json.gz"
)
UNPUBLISHED = ("text", "textarea", "date")
EPCI_FORMS = ("CC", "CA", "CU", "METRO")
_TALLY = sa.table(
    "answer_tally",
    sa.column("campaign_id"),
    sa.column("kind"),
    sa.column("band"),
    sa.column("region"),
    sa.column("form"),
    sa.column("key"),
    sa.column("value"),
    sa.column("n"),
)
_GROUPED = sa.text(
    """SELECT i.kind, i.band, i.region, CASE WHEN i.kind = 'epci' THEN i.code ELSE '' END AS code,
        a.key, CAST(a.value AS TEXT) AS answer, count(*) AS n
    FROM invitation i JOIN answer a ON a.invitation_id = i.id
    WHERE i.campaign_id = :campaign AND i.status = 'submitted' AND a.key IN :keys
    GROUP BY i.kind, i.band, i.region, code, a.key, answer"""
).bindparams(sa.bindparam("keys", expanding=True))


def _questions(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for item in items:
        if item.get("kind") == "section":
            yield from _questions(item["items"])
        elif item.get("kind") != "note":
            yield item


def estimated_keys(document: dict[str, Any]) -> frozenset[str]:
    """The questions counted: every question but free text and dates ("other" texts neither)."""
    return frozenset(
        item["key"] for item in _questions(document["items"]) if item["type"] not in UNPUBLISHED
    )


def epci_forms() -> dict[str, str]:
    """The legal form of each EPCI of the reference, by code (SIREN)."""
    document = json.loads(gzip.decompress(REFERENCE.read_bytes()))
    if document.get("format") != 1:
        raise RuntimeError(f"{REFERENCE} has format {document.get('format')}, expected 1")
    columns = document["columns"]["epci"]
    forms = {}
    for values in document["epci"]:
        row = dict(zip(columns, values, strict=True))
        form = "METRO" if row["type"] in ("METRO", "MET69") else (row["type"] or "CC")
        forms[row["siren"]] = form if form in EPCI_FORMS else "CC"
    return forms


def canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def rebuild(connection: Any, campaign_id: int, keys: frozenset[str], forms: dict[str, str]) -> None:
    if not keys:
        return
    counts: Counter[tuple[str, ...]] = Counter()
    params = {"campaign": campaign_id, "keys": sorted(keys)}
    for kind, band, region, code, key, answer, n in connection.execute(_GROUPED, params):
        if answer is None or answer == "null":
            continue
        # An EPCI missing from the reference (since merged) counts as a communauté de communes.
        form = forms.get(code, "CC") if kind == "epci" else ""
        counts[(kind, band, region or "", form, key, canonical(json.loads(answer)))] += int(n)
    rows = [
        dict(zip(("kind", "band", "region", "form", "key", "value"), group, strict=True))
        | {"campaign_id": campaign_id, "n": n}
        for group, n in counts.items()
    ]
    for start in range(0, len(rows), 5000):
        connection.execute(sa.insert(_TALLY), rows[start : start + 5000])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("answer_tally")
