"""search index tables

Replaces the native full-text indexes (FTS5 on SQLite, a GIN index on PostgreSQL, which ranked
differently) by the catalogue's own index in two tables that both databases query alike:
`use_case_term` (a published fiche's terms and their weights) and `search_term` (each term's
number of fiches and one spelling). The stemmed copies `search_title` and `search_body`, read
only by the old indexes, go. The published fiches are indexed by the service's analysis as it
is when the migration runs (`services.catalogue.search.index.rebuild`, to run again after a
change of the synonyms). Downgrade: the old columns and
indexes come back, empty of terms until the fiches are published again.

Revision ID: a4e19c3d7b58
Revises: 5d1f0c7a9b2e
Create Date: 2026-12-04 19:00:00.000000

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "a4e19c3d7b58"
down_revision: Union[str, Sequence[str], None] = "5d1f0c7a9b2e"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS use_case_fts_au",
    "DROP TRIGGER IF EXISTS use_case_fts_ad",
    "DROP TRIGGER IF EXISTS use_case_fts_ai",
    "DROP TABLE IF EXISTS use_case_fts",
)
_SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE use_case_fts USING fts5("
    "search_title, search_body, content='use_case', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER use_case_fts_ai AFTER INSERT ON use_case BEGIN "
    "INSERT INTO use_case_fts(rowid, search_title, search_body) "
    "VALUES (new.id, new.search_title, new.search_body); END",
    "CREATE TRIGGER use_case_fts_ad AFTER DELETE ON use_case BEGIN "
    "INSERT INTO use_case_fts(use_case_fts, rowid, search_title, search_body) "
    "VALUES ('delete', old.id, old.search_title, old.search_body); END",
    "CREATE TRIGGER use_case_fts_au AFTER UPDATE OF search_title, search_body ON use_case BEGIN "
    "INSERT INTO use_case_fts(use_case_fts, rowid, search_title, search_body) "
    "VALUES ('delete', old.id, old.search_title, old.search_body); "
    "INSERT INTO use_case_fts(rowid, search_title, search_body) "
    "VALUES (new.id, new.search_title, new.search_body); END",
)
_POSTGRESQL_INDEX = "ix_use_case_fulltext"


def upgrade() -> None:
    """Upgrade schema."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in _SQLITE_DROP:
            op.execute(statement)
    else:
        op.execute(f"DROP INDEX IF EXISTS {_POSTGRESQL_INDEX}")
    op.drop_column("use_case", "search_title")
    op.drop_column("use_case", "search_body")
    op.create_table(
        "use_case_term",
        sa.Column("term", sa.String(length=60), nullable=False),
        sa.Column("use_case_id", sa.Integer(), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["use_case_id"], ["use_case.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("term", "use_case_id"),
    )
    op.create_index(
        op.f("ix_use_case_term_use_case_id"), "use_case_term", ["use_case_id"], unique=False
    )
    op.create_table(
        "search_term",
        sa.Column("term", sa.String(length=60), nullable=False),
        sa.Column("fiches", sa.Integer(), nullable=False),
        sa.Column("word", sa.String(length=60), nullable=True),
        sa.PrimaryKeyConstraint("term"),
    )
    # The service's analysis, as it is now: the index is derived data, rebuilt on demand.
    from services.catalogue.search.index import rebuild

    rebuild(bind)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f("ix_use_case_term_use_case_id"), table_name="use_case_term")
    op.drop_table("use_case_term")
    op.drop_table("search_term")
    op.add_column(
        "use_case", sa.Column("search_title", sa.Text(), nullable=False, server_default="")
    )
    op.add_column(
        "use_case", sa.Column("search_body", sa.Text(), nullable=False, server_default="")
    )
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in _SQLITE_CREATE:
            op.execute(statement)
    else:
        op.execute(
            f"CREATE INDEX {_POSTGRESQL_INDEX} ON use_case "
            "USING gin (to_tsvector('simple', search_title || ' ' || search_body))"
        )
