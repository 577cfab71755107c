"""The native full-text index of each database, over the stemmed columns of `use_case`.

SQLite: an FTS5 table `use_case_fts` with `use_case` as external content, kept in step by
triggers. PostgreSQL: a GIN index on the `simple` text-search vector of the same columns (the
expression `services.catalogue.search` matches, spelt identically).

The migration `full_text_index` creates them (the service never does): they are derived data,
outside what the models describe, so Alembic's comparison leaves the names below alone
(`services.databases`, `alembic/env.py`). Note for later migrations: a batch ("move and copy")
operation on `use_case` under SQLite drops its triggers; recreate them after one.
"""

from __future__ import annotations

FTS_TABLE = "use_case_fts"
# The FTS5 table's shadow tables (external content: no `_content` table).
FTS_SHADOW_TABLES = tuple(f"{FTS_TABLE}_{part}" for part in ("data", "idx", "docsize", "config"))
PG_INDEX = "ix_use_case_fulltext"

# What the migration creates that no model declares.
UNMANAGED = frozenset({FTS_TABLE, *FTS_SHADOW_TABLES, PG_INDEX})
