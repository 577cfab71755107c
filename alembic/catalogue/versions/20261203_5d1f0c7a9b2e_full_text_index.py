"""full text index

The native full-text index over `use_case.search_title` and `search_body`, which the service
created at its first request until now. SQLite: an FTS5 table with `use_case` as external
content and the triggers that keep it in step, rebuilt from the rows already there. PostgreSQL:
a GIN index on the `simple` text-search vector. A database where the service already created
them is left as it is. The statements are a frozen copy of what the service ran.

Revision ID: 5d1f0c7a9b2e
Revises: 3b7d2e91a4c6
Create Date: 2026-12-03 07:00:00.000000

"""

from typing import Sequence, Union

from alembic import op


# revision identifiers, used by Alembic.
revision: str = "5d1f0c7a9b2e"
down_revision: Union[str, Sequence[str], None] = "3b7d2e91a4c6"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

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
    "INSERT INTO use_case_fts(use_case_fts) VALUES ('rebuild')",
)
_SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS use_case_fts_au",
    "DROP TRIGGER IF EXISTS use_case_fts_ad",
    "DROP TRIGGER IF EXISTS use_case_fts_ai",
    "DROP TABLE IF EXISTS use_case_fts",
)
_POSTGRESQL_CREATE = (
    "CREATE INDEX IF NOT EXISTS ix_use_case_fulltext ON use_case "
    "USING gin (to_tsvector('simple', search_title || ' ' || search_body))"
)
_POSTGRESQL_DROP = "DROP INDEX IF EXISTS ix_use_case_fulltext"


def upgrade() -> None:
    """Upgrade schema."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.execute(_POSTGRESQL_CREATE)
        return
    exists = bind.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE name = 'use_case_fts'"
    ).first()
    if exists is None:
        for statement in _SQLITE_CREATE:
            op.execute(statement)


def downgrade() -> None:
    """Downgrade schema."""
    if op.get_bind().dialect.name != "sqlite":
        op.execute(_POSTGRESQL_DROP)
        return
    for statement in _SQLITE_DROP:
        op.execute(statement)
