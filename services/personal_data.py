"""Personal data across the four databases (RGPD): one person's export and erasure, and the
retention rules, for `iat-admin personal-data` and `iat-admin retention`.

Each database's own module says what it holds: `services/<name>/personal_data.py`, and
`services/common/auth/personal_data.py` for the accounts store. They are found by that name,
for each database `services/databases.py` lists, so this module imports no service itself
(only the composition root does) and a new database only needs its module.
docs/personal-data.md is the inventory.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection

from services.common.database import create_db_engine
from services.common.personal_data import RetentionSettings, Rows, normalise

Counts = dict[str, int]


@dataclass(frozen=True)
class Holder:
    """What one database does with personal data."""

    export: Callable[[Connection, str], dict[str, Rows]]
    erase: Callable[[Connection, str], Counts]
    retention: Callable[..., Counts]
    # Where an erasure is recorded: the service's audit log (the accounts store has none).
    record_erasure: Callable[[Connection, Counts], None] | None = None


# The accounts store belongs to no service: its module lives with the rest of authentication.
MODULES = {"accounts": "services.common.auth.personal_data"}


@cache
def holder_of(name: str) -> Holder:
    """The personal-data functions of database `name`."""
    module = importlib.import_module(MODULES.get(name, f"services.{name}.personal_data"))
    return Holder(
        export=module.export,
        erase=module.erase,
        retention=module.apply_retention,
        record_erasure=getattr(module, "record_erasure", None),
    )


def _each(urls: Mapping[str, str], names: Iterable[str] | None) -> Iterable[tuple[str, Any]]:
    """(name, engine) for the chosen databases, each engine closed once used."""
    for name in names or urls:
        engine = create_db_engine(urls[name], pool_size=1)
        try:
            yield name, engine
        finally:
            engine.dispose()


def export(
    urls: Mapping[str, str], email: str, *, services: Iterable[str] | None = None
) -> dict[str, dict[str, Rows]]:
    """Everything each database holds about `email`, table by table."""
    result: dict[str, dict[str, Rows]] = {}
    for name, engine in _each(urls, services):
        with engine.connect() as connection:
            result[name] = holder_of(name).export(connection, normalise(email))
    return result


def erase(
    urls: Mapping[str, str], email: str, *, services: Iterable[str] | None = None
) -> dict[str, Counts]:
    """Erase or anonymise `email`'s data; each service's audit log records it (counts only)."""
    result: dict[str, Counts] = {}
    for name, engine in _each(urls, services):
        holder = holder_of(name)
        with engine.begin() as connection:
            counts = holder.erase(connection, normalise(email))
            if holder.record_erasure is not None:
                holder.record_erasure(connection, counts)
        result[name] = counts
    return result


def apply_retention(
    urls: Mapping[str, str],
    settings: RetentionSettings,
    *,
    now: datetime,
    dry_run: bool = False,
    services: Iterable[str] | None = None,
) -> dict[str, Counts]:
    """Remove what is past its retention; a dry run counts the same rows and changes nothing."""
    result: dict[str, Counts] = {}
    for name, engine in _each(urls, services):
        with engine.connect() as connection:
            transaction = connection.begin()
            result[name] = holder_of(name).retention(connection, settings, now=now)
            if dry_run:
                transaction.rollback()
            else:
                transaction.commit()
    return result
