"""campaign frame: the sampling frame counted at the campaign's creation and kept with it

Revision ID: 8d2f6a1b9c37
Revises: 5b7e0c4d2a91
Create Date: 2026-11-27 09:20:00.000000

"""

import json
from typing import Sequence, Union

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
    # The campaigns created before: their frame is counted now, in the reference this version
    # of the service carries (the note states its version and the day).
    from services.survey.observatory import frame

    connection = op.get_bind()
    for campaign_id, target in connection.execute(sa.text("SELECT id, target FROM campaign")):
        frame.freeze(connection, campaign_id, json.loads(target) if isinstance(target, str) else target)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_column("frame_source")
    op.drop_table("campaign_frame")
