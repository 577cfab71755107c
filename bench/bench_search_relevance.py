"""Relevance of the catalogue's search on the demo catalogue, on SQLite and PostgreSQL.

    .venv/bin/python bench/bench_search_relevance.py [--backend sqlite|postgresql] [--verbose]

Each judged query of bench/search_judgements.py is asked of the real service (its public
`GET /use-cases`, the results then the partial matches, as the page shows them); printed:
recall@10 (the share of the relevant fiches in the first ten, out of at most ten), MRR (the
inverse rank of the first relevant fiche), nDCG@10 (binary gains) and the queries whose first
ten hold nothing relevant. Goals: recall@10 ≥ 0.95, MRR ≥ 0.85, no such query.
"""

from __future__ import annotations

import argparse
import math
import secrets
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fastapi.testclient import TestClient
from search_judgements import JUDGED
from sqlmodel import Session

from services.catalogue.app import create_app
from services.catalogue.seed import seed_catalogue
from services.catalogue.settings import CatalogueSettings
from services.common.database import create_db_engine
from tests.conftest import POSTGRES_ADMIN_URL, PostgresDatabases, migrate


def ranked(client: TestClient, query: str) -> list[str]:
    body = client.get("/use-cases", params={"q": query, "limit": 10}).json()
    return [item["slug"] for item in [*body["items"], *body["partial"]]][:10]


def measure(client: TestClient, *, verbose: bool) -> dict[str, float]:
    recalls, reciprocal, gains, empty = [], [], [], []
    for query, relevant in JUDGED:
        found = ranked(client, query)
        hits = [slug in relevant for slug in found]
        recalls.append(sum(hits) / min(len(relevant), 10))
        first = next((rank for rank, hit in enumerate(hits, 1) if hit), None)
        reciprocal.append(1 / first if first else 0.0)
        dcg = sum(1 / math.log2(rank + 1) for rank, hit in enumerate(hits, 1) if hit)
        ideal = sum(1 / math.log2(rank + 1) for rank in range(1, min(len(relevant), 10) + 1))
        gains.append(dcg / ideal)
        if not any(hits):
            empty.append(query)
        if verbose and (recalls[-1] < 1 or reciprocal[-1] < 1):
            print(f"  {query!r}: recall {recalls[-1]:.2f}, rank {first}, got {found[:5]}")
    n = len(JUDGED)
    return {
        "queries": n,
        "recall@10": sum(recalls) / n,
        "MRR": sum(reciprocal) / n,
        "nDCG@10": sum(gains) / n,
        "empty": len(empty),
        "empty_queries": empty,  # type: ignore[dict-item]
    }


def run(backend: str, *, verbose: bool) -> dict[str, float]:
    postgres = PostgresDatabases()
    with tempfile.TemporaryDirectory() as folder:
        if backend == "sqlite":
            url = f"sqlite:///{folder}/catalogue.db"
        else:
            url = postgres.create("relevance")
        try:
            migrate("catalogue", url)
            engine = create_db_engine(url, pool_size=1)
            with Session(engine) as session:
                seed_catalogue(session)
                session.commit()
            engine.dispose()
            accounts = f"sqlite:///{folder}/accounts.db"
            migrate("accounts", accounts)
            settings = CatalogueSettings.model_validate(
                {
                    "database_url": url,
                    "auth": {"database_url": accounts, "secret_key": secrets.token_urlsafe(32)},
                }
            )
            with TestClient(create_app(settings)) as client:
                return measure(client, verbose=verbose)
        finally:
            if postgres.created:
                postgres.drop_all()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], action="append")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    print(f"{len(JUDGED)} judged queries (PostgreSQL: {POSTGRES_ADMIN_URL})")
    for backend in args.backend or ["sqlite", "postgresql"]:
        figures = run(backend, verbose=args.verbose)
        print(
            f"{backend:10} recall@10 {figures['recall@10']:.3f}  MRR {figures['MRR']:.3f}  "
            f"nDCG@10 {figures['nDCG@10']:.3f}  nothing relevant in the first ten: "
            f"{figures['empty']} {figures['empty_queries']}"
        )


if __name__ == "__main__":
    main()
