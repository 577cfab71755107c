"""ai act qualification

Adds to `use_case` the AI Act qualification of the fiche (the answers, the rule set's version
and the outcome, as the engine returned it) and its fundamental-rights impact assessment (the
FRIA form of Art. 27), both JSON, both empty for the fiches already there.

Revision ID: 7c1e5a2b9d40
Revises: a4e19c3d7b58
Create Date: 2026-12-06 22:10:00.000000

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "7c1e5a2b9d40"
down_revision: Union[str, Sequence[str], None] = "a4e19c3d7b58"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("use_case") as batch:
        batch.add_column(sa.Column("qualification", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("fria", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("use_case") as batch:
        batch.drop_column("fria")
        batch.drop_column("qualification")
