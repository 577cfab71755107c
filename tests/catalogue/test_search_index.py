"""The search index is made by migrations: the native full-text index first (kept over a database
the service had indexed itself), then the index tables that replace it, filled from the fiches."""

from __future__ import annotations

import random
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, inspect
from sqlmodel import Session

from services.catalogue.demo_data import DEMO_FICHES
from services.catalogue.seed import seed_catalogue
from services.cli import alembic_config
from services.common.database import create_db_engine
from tests.catalogue.support import COMPLETE, Catalogue
from tests.conftest import Databases, empty_database_url
from tests.helpers import assert_problem

BEFORE_THE_INDEX = "3b7d2e91a4c6"
NATIVE_INDEX = "5d1f0c7a9b2e"
FTS_TABLE = "use_case_fts"
PG_INDEX = "ix_use_case_fulltext"
INDEX_TABLES = {"use_case_term", "search_term"}
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


def test_the_migrated_database_holds_the_index_tables_only(databases: Databases) -> None:
    engine = create_db_engine(databases.urls["catalogue"], pool_size=1)
    try:
        found = _index_objects(engine)
        tables = set(inspect(engine).get_table_names())
        columns = {c["name"] for c in inspect(engine).get_columns("use_case")}
    finally:
        engine.dispose()
    assert tables >= INDEX_TABLES
    assert not {FTS_TABLE, PG_INDEX} & found
    assert not {"search_title", "search_body"} & columns


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
        command.upgrade(config, NATIVE_INDEX)
        assert FTS_TABLE in _index_objects(engine) or PG_INDEX in _index_objects(engine)
        command.upgrade(config, "head")
        command.check(config)
        assert not {FTS_TABLE, PG_INDEX} & _index_objects(engine)
        command.downgrade(config, NATIVE_INDEX)
        assert FTS_TABLE in _index_objects(engine) or PG_INDEX in _index_objects(engine)
        assert not INDEX_TABLES & set(inspect(engine).get_table_names())
        command.downgrade(config, BEFORE_THE_INDEX)
        assert not {FTS_TABLE, PG_INDEX} & _index_objects(engine)
        assert "use_case" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_the_migration_indexes_the_fiches_already_published(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = empty_database_url(backend, "catalogue_reindexed", tmp_path=tmp_path, request=request)
    config = alembic_config("catalogue", database_url=url)
    config.attributes["configure_logging"] = False
    command.upgrade(config, "head")
    engine = create_db_engine(url, pool_size=1)
    try:
        with Session(engine) as session:
            seed_catalogue(session)
            session.commit()
        before = _terms(engine)
        command.downgrade(config, NATIVE_INDEX)
        command.upgrade(config, "head")
        after = _terms(engine)
    finally:
        engine.dispose()
    published = sum(1 for fiche in DEMO_FICHES if fiche.published)
    assert before[0] == published
    # the same index, whether written at each publication or by the migration
    assert after == before


def _terms(engine: Engine) -> tuple[int, int, int]:
    """(fiches indexed, postings, sum of the weights): what the index holds."""
    with engine.connect() as connection:
        row = connection.exec_driver_sql(
            "SELECT COUNT(DISTINCT use_case_id), COUNT(*), SUM(weight) FROM use_case_term"
        ).one()
    return int(row[0]), int(row[1]), int(row[2])


def test_fiches_republished_at_once_keep_the_counts_of_their_shared_terms(
    catalogue: Catalogue, databases: Databases
) -> None:
    """Found by the load run with faults: two fiches written at once, sharing terms, locked
    each other's counts in opposite orders (a deadlock, a 500)."""
    words = ["tri", "collecte", "benne", "tournée", "compost", "verre", "papier"]
    fiches = []
    for number in range(6):
        proposed, token = catalogue.propose(
            email=f"agent{number}@ville.example.fr", **{**COMPLETE, "title": f"Tri n° {number}"}
        )
        fiches.append((proposed["id"], token, catalogue.publish(proposed["id"])["version"]))

    def rewrite(fiche: tuple[int, str, int]) -> list[int]:
        use_case_id, token, version = fiche
        rng = random.Random(use_case_id)  # noqa: S311 - reproducible texts, not secrets
        statuses = []
        for _ in range(4):
            summary = "Les déchets : " + " ".join(rng.sample(words, 4)) + "."
            edited = catalogue.edit(use_case_id, token, version, summary=summary)
            statuses.append(edited.status_code)
            version = catalogue.publish(use_case_id)["version"]  # asserts a 200
        return statuses

    with ThreadPoolExecutor(max_workers=6) as pool:
        assert [set(s) for s in pool.map(rewrite, fiches)] == [{200}] * 6
    engine = create_db_engine(databases.urls["catalogue"], pool_size=1)
    try:
        with engine.connect() as connection:
            counted: dict[str, int] = dict(
                connection.exec_driver_sql(
                    "SELECT term, count(*) FROM use_case_term GROUP BY term"
                ).all()
            )
            kept: dict[str, int] = dict(
                connection.exec_driver_sql("SELECT term, fiches FROM search_term").all()
            )
    finally:
        engine.dispose()
    assert kept == counted
    assert catalogue.client.get("/use-cases", params={"q": "déchets"}).json()["total"] == 6


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_a_deadlock_gets_a_503_to_send_again_and_saves_nothing(
    catalogue: Catalogue, databases: Databases
) -> None:
    """Whatever the order of the locks, a writer can still meet another program's (a script on
    the database): PostgreSQL breaks the cycle by rolling one back, which is a 503 with
    Retry-After, not a 500, and leaves the fiche as it was."""
    proposed, token = catalogue.propose(**COMPLETE)
    version = catalogue.publish(proposed["id"])["version"]
    edited = catalogue.edit(proposed["id"], token, version, summary="Les déchets triés.")
    assert edited.status_code == 200, edited.text
    engine = create_db_engine(databases.urls["catalogue"], pool_size=1)
    other = engine.connect()
    try:
        terms = [
            term
            for (term,) in other.exec_driver_sql(
                "SELECT term FROM use_case_term ORDER BY term"
            ).all()
        ]
        lock = "SELECT term FROM search_term WHERE term = %(term)s FOR UPDATE"
        other.exec_driver_sql(lock, {"term": terms[-1]})  # the last the publication needs
        with ThreadPoolExecutor(max_workers=1) as pool:
            answer = pool.submit(catalogue.publish_response, proposed["id"])
            time.sleep(0.3)  # it now holds the other terms and waits for the last
            other.exec_driver_sql(lock, {"term": terms[0]})  # the cycle
            response = answer.result(timeout=30)
        other.rollback()
    finally:
        other.close()
        engine.dispose()
    body = assert_problem(response, 503)
    assert "Renvoyez" in str(body["detail"])
    assert response.headers["Retry-After"] == "1"
    public = catalogue.client.get(f"/use-cases/{proposed['id']}").json()
    assert public["summary"] == COMPLETE["summary"]  # the published text is still the old one
    assert catalogue.publish(proposed["id"])["summary"] == "Les déchets triés."  # sent again
