"""Backup and restore of the four databases, with the tools each engine is meant to use.

PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean` (consistent, compressed, and
restorable table by table). SQLite: the online backup API, which copies a consistent snapshot
while the services keep writing. A manifest records when, which schema revision and how many
rows each table held, so a restore can be checked.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import MetaData, func, select
from sqlalchemy.engine import make_url

from services.common.database import create_db_engine
from services.common.sql import utcnow

MANIFEST = "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, in French."""


@dataclass(frozen=True)
class Target:
    name: str
    url: str
    metadata: MetaData

    @property
    def is_sqlite(self) -> bool:
        return make_url(self.url).get_backend_name() == "sqlite"

    def sqlite_path(self) -> Path:
        database = make_url(self.url).database
        if not database or database == ":memory:":
            raise BackupError(f"{self.name} : base SQLite en mémoire, rien à sauvegarder")
        return Path(database)

    def libpq_url(self) -> str:
        """The URL as pg_dump reads it, without the password (passed in the environment)."""
        return make_url(self.url).set(drivername="postgresql", password=None).render_as_string()

    def libpq_env(self) -> dict[str, str]:
        # In the environment rather than the command line, where `ps` would show it.
        password = make_url(self.url).password
        return {**os.environ, **({"PGPASSWORD": str(password)} if password else {})}

    def file_name(self) -> str:
        return f"{self.name}.sqlite" if self.is_sqlite else f"{self.name}.dump"


def row_counts(target: Target) -> dict[str, int]:
    engine = create_db_engine(target.url, pool_size=1)
    try:
        with engine.connect() as connection:
            return {
                table.name: int(
                    connection.execute(select(func.count()).select_from(table)).scalar_one()
                )
                for table in target.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def backup(targets: list[Target], folder: Path) -> dict[str, dict[str, int]]:
    """Write one file per database and the manifest into `folder`; returns the row counts."""
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, dict[str, int]] = {}
    for target in targets:
        destination = folder / target.file_name()
        if target.is_sqlite:
            _sqlite_copy(target.sqlite_path(), destination)
        else:
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--file",
                    str(destination),
                    "--dbname",
                    target.libpq_url(),
                ],
                target,
            )
        counts[target.name] = row_counts(target)
    manifest = {
        "created_at": utcnow().isoformat(),
        "databases": {
            target.name: {"file": target.file_name(), "rows": counts[target.name]}
            for target in targets
        },
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return counts


def restore(targets: list[Target], folder: Path) -> dict[str, dict[str, int]]:
    """Replace each database by its copy in `folder`; checks the row counts of the manifest."""
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"{manifest_path} introuvable : ce dossier n'est pas une sauvegarde")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))["databases"]
    restored: dict[str, dict[str, int]] = {}
    for target in targets:
        entry = manifest.get(target.name)
        if entry is None:
            raise BackupError(f"{target.name} : absent de la sauvegarde")
        source = folder / entry["file"]
        expected_sqlite = source.suffix == ".sqlite"
        if expected_sqlite != target.is_sqlite:
            raise BackupError(
                f"{target.name} : la sauvegarde ({source.name}) et la base cible ne sont pas "
                "du même moteur"
            )
        if target.is_sqlite:
            _sqlite_copy(source, target.sqlite_path())
        else:
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    "--dbname",
                    target.libpq_url(),
                    str(source),
                ],
                target,
            )
        counts = row_counts(target)
        if counts != entry["rows"]:
            raise BackupError(
                f"{target.name} : après restauration, les nombres de lignes diffèrent de la "
                f"sauvegarde ({counts} au lieu de {entry['rows']})"
            )
        restored[target.name] = counts
    return restored


def _sqlite_copy(source: Path, destination: Path) -> None:
    if not source.is_file():
        raise BackupError(f"{source} introuvable")
    destination.parent.mkdir(parents=True, exist_ok=True)
    # Both ends open through sqlite3 so the copy is a consistent snapshot, even mid-write.
    with sqlite3.connect(source) as origin, sqlite3.connect(destination) as copy:
        origin.backup(copy)
    origin.close()
    copy.close()


def _run(command: list[str], target: Target) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} introuvable : installez le client PostgreSQL")
    # A fixed tool with arguments built here; no shell.
    result = subprocess.run(  # noqa: S603
        command, capture_output=True, text=True, check=False, env=target.libpq_env()
    )
    if result.returncode != 0:
        raise BackupError(f"{target.name} : {command[0]} a échoué : {result.stderr.strip()[:500]}")
