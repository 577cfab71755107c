"""rate limit hits

Revision ID: 5c1e7a9d2b40
Revises: ee3f8e28863b
Create Date: 2026-11-27 05:00:00.000000

"""

from typing import Sequence, Union

import sqlmodel.sql.sqltypes  # noqa: F401  (autogenerate renders AutoString)

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "5c1e7a9d2b40"
down_revision: Union[str, Sequence[str], None] = "ee3f8e28863b"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "rate_limit_hit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bucket", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_limit_hit")),
    )
    with op.batch_alter_table("rate_limit_hit", schema=None) as batch_op:
        batch_op.create_index(
            "ix_rate_limit_hit_bucket_key_at", ["bucket", "key", "at"], unique=False
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("rate_limit_hit", schema=None) as batch_op:
        batch_op.drop_index("ix_rate_limit_hit_bucket_key_at")
    op.drop_table("rate_limit_hit")
