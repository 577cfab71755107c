"""art50 facet

Adds `use_case.art50_codes`: the codes of the fiche's `art50_obligations` (a list in its
content) between bars ("|a|b|"), which the search counts and filters as a facet. Filled from
the content the other columns copy: the published one, or the draft before any publication.

Revision ID: 3b7d2e91a4c6
Revises: 9e08c2cf7aae
Create Date: 2026-11-27 03:05:00.000000

"""

from typing import Any, Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "3b7d2e91a4c6"
down_revision: Union[str, Sequence[str], None] = "9e08c2cf7aae"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_use_case = sa.table(
    "use_case",
    sa.column("id", sa.Integer()),
    sa.column("draft", sa.JSON()),
    sa.column("published", sa.JSON()),
    sa.column("art50_codes", sa.String(300)),
)


def _codes(content: Any) -> str | None:
    codes = content.get("art50_obligations") if isinstance(content, dict) else None
    unique = list(dict.fromkeys(code for code in codes or [] if isinstance(code, str)))
    return f"|{'|'.join(unique)}|" if unique else None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column("use_case", sa.Column("art50_codes", sa.String(length=300), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(sa.select(_use_case.c.id, _use_case.c.draft, _use_case.c.published)).all()
    for row_id, draft, published in rows:
        codes = _codes(published if published is not None else draft)
        if codes is not None:
            bind.execute(
                _use_case.update().where(_use_case.c.id == row_id).values(art50_codes=codes)
            )


def downgrade() -> None:
    """Downgrade schema."""
    # A plain ALTER TABLE … DROP COLUMN (SQLite 3.35+): the table, and so the triggers of the
    # full-text index on SQLite, stay in place.
    op.drop_column("use_case", "art50_codes")
