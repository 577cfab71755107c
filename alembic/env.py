"""One Alembic environment for the four databases; the ini section (`-n NAME`) picks which."""

from __future__ import annotations

import importlib
import logging.config
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import MetaData

from services.common.sql import UTCDateTime

# ini section -> (settings module, settings factory, models module, abstract base)
TARGETS = {
    "catalogue": (
        "services.catalogue.settings",
        "get_settings",
        "services.catalogue.models",
        "CatalogueModel",
    ),
    "survey": ("services.survey.settings", "get_settings", "services.survey.models", "SurveyModel"),
    "auditions": (
        "services.auditions.settings",
        "get_settings",
        "services.auditions.models",
        "AuditionsModel",
    ),
    "accounts": (
        "services.common.settings",
        "AuthSettings",
        "services.common.auth.models",
        "AccountsModel",
    ),
}

config = context.config
# The CLI and the tests configure logging themselves and pass `configure_logging=False`.
if config.config_file_name and config.attributes.get("configure_logging", True):
    logging.config.fileConfig(config.config_file_name, disable_existing_loggers=False)

settings_module, settings_factory, models_module, base_name = TARGETS[config.config_ini_section]
url: str = (
    config.attributes.get("database_url")
    or getattr(importlib.import_module(settings_module), settings_factory)().database_url
)
metadata: MetaData = getattr(importlib.import_module(models_module), base_name).metadata


def render_item(type_: str, obj: Any, _context: AutogenContext) -> str | Literal[False]:
    """Write UTC timestamps as plain timezone-aware columns in new migration scripts."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_offline() -> None:
    context.configure(
        url=url,
        target_metadata=metadata,
        literal_binds=True,
        render_as_batch=True,
        compare_type=True,
        render_item=render_item,
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
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
