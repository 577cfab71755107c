"""answer tally: submitted answers counted by class, kept up to date by the writes

Revision ID: 3c1d9e2f7a10
Revises: 967ef6874107
Create Date: 2026-11-27 09:10:00.000000

"""

import json
from typing import Sequence, Union

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
    # Count the responses already submitted, as the service counts them (its own code: the
    # classes come from the territories reference).
    from services.survey.observatory import tallies
    from services.survey.questionnaires.store import parse

    connection = op.get_bind()
    campaigns = connection.execute(
        sa.text(
            "SELECT c.id, q.definition FROM campaign c JOIN questionnaire q"
            " ON q.id = c.questionnaire_id WHERE q.status = 'published'"
        )
    ).all()
    for campaign_id, definition in campaigns:
        document = json.loads(definition) if isinstance(definition, str) else definition
        tallies.rebuild(connection, campaign_id, parse(document))


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("answer_tally")
