"""Each database's migrations: from empty to head, models in step, down one step and up again."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from services.cli import alembic_config
from services.common.database import create_db_engine
from services.databases import DATABASES
from tests.conftest import METADATA, empty_database_url


@pytest.mark.parametrize("name", sorted(METADATA))
def test_migrations_round_trip(
    name: str, backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = empty_database_url(backend, f"migrations_{name}", tmp_path=tmp_path, request=request)
    config = alembic_config(name, database_url=url)
    config.attributes["configure_logging"] = False
    head = ScriptDirectory.from_config(config).get_current_head()

    command.upgrade(config, "head")
    command.check(config)  # raises when the models and the migrations disagree
    command.downgrade(config, "-1")
    command.upgrade(config, "head")

    engine = create_db_engine(url, pool_size=1)
    try:
        tables = set(inspect(engine).get_table_names())
        with engine.connect() as connection:
            version = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    finally:
        engine.dispose()
    # A full-text index's tables (SQLite's FTS5) are the migrations' own, declared as such.
    assert tables - DATABASES[name].unmanaged == {*METADATA[name].tables, "alembic_version"}
    assert version == head
