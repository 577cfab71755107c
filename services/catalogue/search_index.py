"""The native full-text index of each database, over the stemmed columns of `use_case`.

SQLite: an FTS5 table with `use_case` as external content, kept in step by triggers.
PostgreSQL: a GIN index on the `simple` text-search vector of the same columns.

The index is derived data: it is created when the service first searches (idempotent, in one
transaction, rebuilt from `use_case`), not by a migration, because FTS5 shadow tables and
expression indexes are outside what Alembic compares. Dropping it loses nothing.
"""

from __future__ import annotations

import threading

from sqlalchemy import Connection, Engine, text

FTS_TABLE = "use_case_fts"  # spelt out in the statements below
PG_VECTOR = "to_tsvector('simple', search_title || ' ' || search_body)"

_SQLITE_DDL = (
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

_ready: set[str] = set()
_lock = threading.Lock()


def _create_sqlite(connection: Connection) -> None:
    exists = connection.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE name = ?", (FTS_TABLE,)
    ).first()
    if exists is None:
        for statement in _SQLITE_DDL:
            connection.exec_driver_sql(statement)


def _create_postgresql(connection: Connection) -> None:
    connection.execute(
        text(f"CREATE INDEX IF NOT EXISTS ix_use_case_fulltext ON use_case USING gin ({PG_VECTOR})")
    )


def search_index_ready(engine: Engine) -> bool:
    """True once this process has made sure the index exists (no database access)."""
    return str(engine.url) in _ready


def ensure_search_index(engine: Engine) -> None:
    """Create the full-text index of `engine`'s database if it is missing (once per process)."""
    key = str(engine.url)
    if key in _ready:
        return
    with _lock:
        if key in _ready:
            return
        with engine.begin() as connection:
            if engine.dialect.name == "sqlite":
                _create_sqlite(connection)
            else:
                _create_postgresql(connection)
        _ready.add(key)
