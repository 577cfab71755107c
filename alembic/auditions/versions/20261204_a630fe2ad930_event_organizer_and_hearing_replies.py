"""event organizer and hearing replies

The invitations name the event's organiser address as ORGANIZER, so that calendar clients'
answers reach a mailbox the secretariat reads (null: the deployment's AUDITIONS_ORGANIZER_EMAIL).
The answers imported from there (iMIP REPLY) are kept per hearing and invited person.

Revision ID: a630fe2ad930
Revises: 3c1e5a7d9b20
Create Date: 2026-12-04 18:07:24.041598

"""

from typing import Sequence, Union

import sqlmodel.sql.sqltypes  # noqa: F401  (autogenerate renders AutoString)

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "a630fe2ad930"
down_revision: Union[str, Sequence[str], None] = "3c1e5a7d9b20"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "hearing_reply",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hearing_id", sa.Integer(), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
        sa.Column("partstat", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("replied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("comment", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.ForeignKeyConstraint(
            ["hearing_id"], ["hearing.id"], name=op.f("fk_hearing_reply_hearing_id_hearing")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hearing_reply")),
        sa.UniqueConstraint("hearing_id", "email", name=op.f("uq_hearing_reply_hearing_id")),
    )
    with op.batch_alter_table("hearing_reply", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hearing_reply_hearing_id"), ["hearing_id"], unique=False
        )

    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "organizer_email", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=True
            )
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_column("organizer_email")

    with op.batch_alter_table("hearing_reply", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hearing_reply_hearing_id"))

    op.drop_table("hearing_reply")
