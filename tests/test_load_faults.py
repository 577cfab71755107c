"""The short form of the load-with-faults run (docs/reliability.md), as CI runs it.

16 clients for about 10 s against the three services under uvicorn, on a private PostgreSQL
cluster that is crashed (`pg_ctl stop -m immediate`) and started again in the middle: the
command exits 0 only when no 5xx came outside the outage, only 503 problem+json during it, each
service answered again within 5 s of the database's return, and every acknowledged write was
read back. The shared server on 127.0.0.1:5432 is not used.

Also here, the defect that this run found, pinned by a test of its own: the catalogue's stemmer
shared by the search threads.
"""

from __future__ import annotations

import os
import pwd
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import snowballstemmer  # type: ignore[import-untyped]

from services.catalogue.french_text import stem

ROOT = Path(__file__).resolve().parents[1]


def cluster_problem() -> str | None:
    """Why a private PostgreSQL cluster cannot be built here, or None."""
    if not os.environ.get("PG_BIN") and not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        return "pas de binaires PostgreSQL sous /usr/lib/postgresql/*/bin"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "lancé en root sans compte postgres pour faire tourner le serveur"
    return None


@pytest.mark.postgres
def test_load_with_a_database_restart_loses_nothing() -> None:
    problem = cluster_problem()
    if problem is not None:
        if os.environ.get("REQUIRE_POSTGRES", "") not in ("", "0", "false"):
            pytest.fail(f"REQUIRE_POSTGRES=1 mais {problem}")
        pytest.skip(problem)
    command = [sys.executable, "bench/load_faults.py", "--clients", "16", "--seconds", "10"]
    done = subprocess.run(
        [*command, "--restart", "yes", "--outage", "2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
    assert "objectifs atteints" in done.stdout
    assert ", 0 perdues" in done.stdout
    assert "erreurs : 0" in done.stdout
    # The outage happened and was seen by the clients.
    assert "réponses 503 problem+json pendant la panne : 0 " not in done.stdout
    assert "reprise après le retour de la base : catalogue" in done.stdout


def test_words_are_stemmed_right_by_concurrent_searches() -> None:
    """Searches run in several threads; a shared snowball stemmer unguarded gave wrong stems
    and an IndexError (a 500 on `GET /use-cases?q=`) under load."""
    bases = ["mang", "véhicul", "transcript", "déchet", "écol", "courri", "réseau", "territor"]
    endings = ["", "s", "ement", "ées", "ions", "ation", "atrices", "eraient", "ité", "iques"]
    words = [
        f"{prefix}{base}{ending}{'e' * repeat}"
        for prefix in ("", "re", "dé", "pré", "in")
        for base in bases
        for ending in endings
        for repeat in range(15)
    ]
    alone = snowballstemmer.stemmer("french")
    expected = [alone.stemWord(word) for word in words]
    stem.cache_clear()
    try:
        with ThreadPoolExecutor(4) as pool:
            assert list(pool.map(stem, words)) == expected
    finally:
        stem.cache_clear()
