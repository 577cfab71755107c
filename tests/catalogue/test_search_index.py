"""The full-text index is made by a migration, also over a database the service indexed itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, inspect

from services.catalogue.search_index import FTS_TABLE, PG_INDEX
from services.cli import alembic_config
from services.common.database import create_db_engine
from tests.conftest import Databases, empty_database_url

BEFORE_THE_INDEX = "3b7d2e91a4c6"
# What the service ran at its first request before the migration existed.
_RUNTIME_SQLITE = (
    "CREATE VIRTUAL TABLE use_case_fts USING fts5(search_title, search_body, "
    "content='use_case', content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER use_case_fts_ai AFTER INSERT ON use_case BEGIN "
    "INSERT INTO use_case_fts(rowid, search_title, search_body) "
    "VALUES (new.id, new.search_title, new.search_body); END",
)
_RUNTIME_POSTGRESQL = (
    "CREATE INDEX ix_use_case_fulltext ON use_case "
    "USING gin (to_tsvector('simple', search_title || ' ' || search_body))"
)


def _index_objects(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            rows = connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE name LIKE 'use_case_fts%'"
            )
        else:
            rows = connection.exec_driver_sql(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'use_case'"
            )
        return {str(name) for (name,) in rows}


def test_the_migrated_database_holds_the_index(databases: Databases) -> None:
    engine = create_db_engine(databases.urls["catalogue"], pool_size=1)
    try:
        found = _index_objects(engine)
    finally:
        engine.dispose()
    if databases.backend == "sqlite":
        assert {FTS_TABLE, "use_case_fts_ai", "use_case_fts_ad", "use_case_fts_au"} <= found
    else:
        assert PG_INDEX in found


def test_an_index_the_service_made_itself_is_kept_by_the_migration(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = empty_database_url(backend, "catalogue_runtime_index", tmp_path=tmp_path, request=request)
    config = alembic_config("catalogue", database_url=url)
    config.attributes["configure_logging"] = False
    command.upgrade(config, BEFORE_THE_INDEX)
    engine = create_db_engine(url, pool_size=1)
    try:
        with engine.begin() as connection:
            statements = _RUNTIME_SQLITE if backend == "sqlite" else (_RUNTIME_POSTGRESQL,)
            for statement in statements:
                connection.exec_driver_sql(statement)
        command.upgrade(config, "head")
        command.check(config)
        assert FTS_TABLE in _index_objects(engine) or PG_INDEX in _index_objects(engine)
        command.downgrade(config, BEFORE_THE_INDEX)
        assert not {FTS_TABLE, PG_INDEX} & _index_objects(engine)
        assert "use_case" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
