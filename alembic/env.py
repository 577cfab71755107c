"""One Alembic environment for the four databases; the ini section (`-n NAME`) picks which."""

from __future__ import annotations

import logging.config
import zlib
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection, MetaData

from services.common.sql import UTCDateTime
from services.databases import DATABASES

config = context.config
# The CLI and the tests configure logging themselves and pass `configure_logging=False`.
if config.config_file_name and config.attributes.get("configure_logging", True):
    logging.config.fileConfig(config.config_file_name, disable_existing_loggers=False)

database = DATABASES[config.config_ini_section]
url: str = config.attributes.get("database_url") or database.url()
metadata: MetaData = database.metadata


def render_item(type_: str, obj: Any, _context: AutogenContext) -> str | Literal[False]:
    """Write UTC timestamps as plain timezone-aware columns in new migration scripts."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def include_object(
    _object: Any, name: str | None, _type: str, reflected: bool, _compare_to: Any
) -> bool:
    """Leave out of the comparison what a migration made that no model declares."""
    return not (reflected and name in database.unmanaged)


def _wait_for_other_migrations(connection: Connection) -> None:
    # Replicas of a service start together and each migrates first: on PostgreSQL a
    # transaction-scoped advisory lock makes them take turns; the later ones find the
    # schema at head and do nothing. (SQLite serialises writers by itself.)
    if connection.dialect.name == "postgresql":
        key = zlib.crc32(config.config_ini_section.encode())
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({key})")


def run_offline() -> None:
    context.configure(
        url=url,
        target_metadata=metadata,
        literal_binds=True,
        render_as_batch=True,
        compare_type=True,
        render_item=render_item,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    from services.common.database import create_db_engine

    engine = create_db_engine(url, pool_size=1)
    try:
        with engine.connect() as connection:
            # Batch mode lets SQLite alter tables by copying them; harmless elsewhere.
            context.configure(
                connection=connection,
                target_metadata=metadata,
                render_as_batch=True,
                compare_type=True,
                render_item=render_item,
                include_object=include_object,
            )
            with context.begin_transaction():
                _wait_for_other_migrations(connection)
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
