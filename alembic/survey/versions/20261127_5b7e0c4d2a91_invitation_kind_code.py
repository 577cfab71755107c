"""invitations unique by campaign, kind and code: a région and a département may share a code

Revision ID: 5b7e0c4d2a91
Revises: 3c1d9e2f7a10
Create Date: 2026-11-27 09:00:00.000000

"""

from typing import Sequence, Union

from alembic import op


# revision identifiers, used by Alembic.
revision: str = "5b7e0c4d2a91"
down_revision: Union[str, Sequence[str], None] = "3c1d9e2f7a10"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.drop_constraint("uq_invitation_campaign_id", type_="unique")
        batch_op.create_unique_constraint(
            "uq_invitation_campaign_id", ["campaign_id", "kind", "code"]
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.drop_constraint("uq_invitation_campaign_id", type_="unique")
        batch_op.create_unique_constraint("uq_invitation_campaign_id", ["campaign_id", "code"])
