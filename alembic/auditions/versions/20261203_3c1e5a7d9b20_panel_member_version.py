"""panel member version

A member's record is edited by organisers (name, role, theme, unavailability): it carries a
version so that a stale editor is refused (If-Match) instead of overwriting a colleague.

Revision ID: 3c1e5a7d9b20
Revises: f7bd970696ac
Create Date: 2026-12-03 06:55:00.000000

"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "3c1e5a7d9b20"
down_revision: Union[str, Sequence[str], None] = "f7bd970696ac"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    # Existing members start at version 1, like every new row.
    with op.batch_alter_table("panel_member", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("panel_member", schema=None) as batch_op:
        batch_op.drop_column("version")
