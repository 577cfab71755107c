"""Searching the published fiches: full text, facet filters, facet counts, sort.

The text goes through `french_text.parse_query` and then the database's own index (FTS5 or
PostgreSQL text search, `search_index`) matches every term. Ranks are made comparable: lower is
better on both databases. One query reads every match's sort keys and facet columns; facets are counted from them
(a filtered facet is counted again without its own filter, so its other values stay offered).
A list facet (`LIST_FACET_COLUMNS`: the Article 50 obligations) is read from a column holding its
codes as "|a|b|": a fiche counts once for each code, and its filter matches any of the codes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

# Registers to_tsvector, to_tsquery and ts_rank with their types before they are built below.
import sqlalchemy.dialects.postgresql  # noqa: F401
from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    bindparam,
    case,
    column,
    func,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import defer
from sqlmodel import Session, col

from services.catalogue import vocabularies
from services.catalogue.french_text import Query
from services.catalogue.models import UseCase, UseCaseStatus
from services.catalogue.vocabularies import FACET_COLUMNS, LIST_FACET_COLUMNS
from services.common.territories.search import get_index


class Sort(StrEnum):
    RELEVANCE = "pertinence"
    DATE = "date"
    NAME = "nom"


@dataclass(frozen=True)
class SearchResult:
    rows: list[UseCase]
    total: int
    facets: dict[str, list[dict[str, Any]]]


# The query text is always a bound parameter. The PostgreSQL vector expression is the one
# `search_index` indexes, spelt identically so that the GIN index serves it.
_SQLITE_MATCH = "use_case_fts MATCH :match"
_SQLITE_RANK = "bm25(use_case_fts, 4.0, 1.0)"
_SIMPLE: Any = literal_column("'simple'")
_POSTGRESQL_VECTOR = func.to_tsvector(_SIMPLE, literal_column("search_title || ' ' || search_body"))
_POSTGRESQL_TITLE_VECTOR = func.to_tsvector(_SIMPLE, literal_column("search_title"))
_FTS = table("use_case_fts", column("rowid"))
_NOT_SHOWN = (
    defer(UseCase.draft),  # type: ignore[arg-type]
    defer(UseCase.published),  # type: ignore[arg-type]
    defer(UseCase.search_title),  # type: ignore[arg-type]
    defer(UseCase.search_body),  # type: ignore[arg-type]
)


def match_expression(query: Query, dialect: str, *, prefix: bool = False) -> str:
    """The query in the database's syntax; terms are [a-z0-9]+ so nothing needs escaping."""
    if dialect == "sqlite":
        parts = [f'"{term}"' for term in query.terms]
        if prefix:
            parts[-1] += "*"
        return " AND ".join(parts)
    parts = list(query.terms)
    if prefix:
        parts[-1] += ":*"
    return " & ".join(parts)


def _with_text(
    statement: Select[Any], query: Query, dialect: str, *, prefix: bool = False, ranked: bool = True
) -> tuple[Select[Any], Any]:
    """`statement` restricted to the fiches holding every term, and their rank (lower: better)."""
    match = match_expression(query, dialect, prefix=prefix)
    rank: Any
    if dialect == "sqlite":
        # Materialised first: otherwise SQLite may walk use_case by an index and probe the
        # FTS table once per row (ten times slower on 10,000 fiches).
        # bm25 only when the rank is read: computing it costs more than the match itself.
        rank_column: Any = literal_column(_SQLITE_RANK if ranked else "0.0")
        matched = (
            select(_FTS.c.rowid.label("id"), rank_column.label("rank"))
            .where(sql_text(_SQLITE_MATCH).bindparams(match=match))
            .cte("matched")
            .prefix_with("MATERIALIZED")
        )
        return statement.join(matched, matched.c.id == UseCase.id), matched.c.rank
    terms = func.to_tsquery(_SIMPLE, bindparam("match", match, type_=String))
    rank = -(
        func.ts_rank(_POSTGRESQL_VECTOR, terms) + 3 * func.ts_rank(_POSTGRESQL_TITLE_VECTOR, terms)
    )
    return statement.where(_POSTGRESQL_VECTOR.op("@@")(terms)), rank


def _conditions(filters: dict[str, list[str]]) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [col(UseCase.status) == UseCaseStatus.PUBLISHED]
    for name, values in filters.items():
        if values:
            conditions.append(_matches_codes(name, values))
    return conditions


# Every facet, in the order of the columns read: the single-valued ones, then the lists.
FACETS = (*FACET_COLUMNS, *LIST_FACET_COLUMNS)


def _matches_codes(name: str, codes: list[str]) -> ColumnElement[bool]:
    if name in LIST_FACET_COLUMNS:
        # "|code|" inside "|a|b|", the LIKE wildcards of the code (its "_") escaped.
        listed = getattr(UseCase, LIST_FACET_COLUMNS[name])
        return or_(*(listed.contains(f"|{code}|", autoescape=True) for code in codes))
    column = getattr(UseCase, name)
    if name == "individual_decisions":
        return column.in_([code == "oui" for code in codes])  # type: ignore[no-any-return]
    return column.in_(codes)  # type: ignore[no-any-return]


def _code(decides: bool | None) -> str | None:
    """The facet code of `individual_decisions`, the one boolean facet (the last column)."""
    return None if decides is None else ("oui" if decides else "non")


def _row_codes(values: Any) -> tuple[tuple[str, ...], ...]:
    """The codes of each facet (in `FACETS` order) from the facet columns of a row."""
    single = len(FACET_COLUMNS)
    decides = _code(values[single - 1])
    return (
        *((value,) if value is not None else () for value in values[: single - 1]),
        (decides,) if decides is not None else (),
        *(tuple(value.strip("|").split("|")) if value else () for value in values[single:]),
    )


def facet_label(facet: str, code: str) -> str:
    if facet in ("region", "departement"):
        territory = get_index().lookup(code, kind=facet)  # type: ignore[arg-type]
        return territory.name if territory else code
    return vocabularies.label(facet, code)


def search(
    session: Session,
    *,
    query: Query,
    filters: dict[str, list[str]],
    sort: Sort | None,
    limit: int,
    offset: int,
) -> SearchResult:
    """One page of the published fiches matching `query` and `filters`, with facet counts.

    A filtered facet counts its values under the other filters only, so that people can add a
    second value of it (OR) and see what that would give. One query reads the fiches that pass
    every filter, or all but one: the results, and what each filtered facet would add.
    """
    dialect = session.get_bind().dialect.name
    sort = sort or (Sort.RELEVANCE if query else Sort.DATE)
    wanted = {name: values for name, values in filters.items() if values and name in FACETS}
    others = {name: values for name, values in filters.items() if values and name not in wanted}
    passes = [case((_matches_codes(name, values), 1), else_=0) for name, values in wanted.items()]
    statement: Any = select(
        col(UseCase.id),
        col(UseCase.sort_title),
        # As stored: only the results' dates are read (for sorting), not the near misses'.
        literal_column("use_case.published_at"),
        *(getattr(UseCase, name) for name in FACET_COLUMNS),
        *(getattr(UseCase, column) for column in LIST_FACET_COLUMNS.values()),
        *passes,
    ).where(*_conditions(others))
    if passes:
        statement = statement.where(sum(passes[1:], passes[0]) >= len(passes) - 1)
    # SQLite ranks every text match cheaply in the same query; PostgreSQL ranks the results only.
    inline_rank = bool(query) and dialect == "sqlite" and sort is Sort.RELEVANCE
    if query:
        statement, rank = _with_text(statement, query, dialect, ranked=inline_rank)
        if inline_rank:
            statement = statement.add_columns(rank)
    results: list[_Match] = []
    near: dict[int, Counter[str]] = {FACETS.index(name): Counter() for name in wanted}
    facet_end = 3 + len(FACETS)
    # Plain rows, fetched at once: no ORM objects, no per-row fetch calls.
    for row in session.connection().execute(statement).all():
        codes = _row_codes(row[3:facet_end])
        failed = [
            FACETS.index(name) for name, ok in zip(wanted, row[facet_end:], strict=False) if not ok
        ]
        if not failed:
            rank = float(row[-1]) if inline_rank else 0.0
            results.append(
                _Match(id=row[0], sort_title=row[1], published_at=row[2], codes=codes, rank=rank)
            )
        else:
            near[failed[0]].update(codes[failed[0]])
    facets = {
        name: _labelled(
            name,
            Counter(code for m in results for code in m.codes[position])
            + near.get(position, Counter()),
        )
        for position, name in enumerate(FACETS)
    }
    if query and sort is Sort.RELEVANCE and not inline_rank:
        _rank(session, query, results)
    ids = [row.id for row in sorted(results, key=_order(sort))[offset : offset + limit]]
    # The page's rows without what a result card never shows (contents, indexed terms).
    page = select(UseCase).where(col(UseCase.id).in_(ids)).options(*_NOT_SHOWN)
    by_id = {row.id: row for row in session.execute(page).scalars()}
    return SearchResult(rows=[by_id[i] for i in ids], total=len(results), facets=facets)


@dataclass
class _Match:
    id: int
    sort_title: str
    published_at: datetime | str | None
    codes: tuple[tuple[str, ...], ...]
    rank: float = 0.0


def _rank(session: Session, query: Query, results: list[_Match]) -> None:
    """Set the relevance of each result (lower: better), asked of the database's own ranking."""
    if not results:
        return
    dialect = session.get_bind().dialect.name
    statement, rank = _with_text(select(col(UseCase.id)), query, dialect)
    by_id = {m.id: m for m in results}
    ranked = statement.add_columns(rank).where(col(UseCase.id).in_(list(by_id)))
    for row_id, value in session.execute(ranked):
        by_id[row_id].rank = float(value)


def _labelled(name: str, counts: Counter[str]) -> list[dict[str, Any]]:
    values = [
        {"code": code, "label": facet_label(name, code), "count": n} for code, n in counts.items()
    ]
    return sorted(values, key=lambda item: (-item["count"], item["label"]))


def _order(sort: Sort) -> Callable[[_Match], Any]:
    if sort is Sort.NAME:
        return lambda m: (m.sort_title, m.id)
    if sort is Sort.RELEVANCE:
        return lambda m: (m.rank, *_newest(m))
    return _newest


def _newest(match: _Match) -> tuple[float, int]:
    return (-_timestamp(match.published_at), -match.id)


def _timestamp(stored: datetime | str | None) -> float:
    """A publication time as read raw: a datetime (PostgreSQL) or ISO text (SQLite, in UTC)."""
    if stored is None:
        return 0.0
    moment = datetime.fromisoformat(stored) if isinstance(stored, str) else stored
    return moment.replace(tzinfo=moment.tzinfo or UTC).timestamp()


def suggestions(session: Session, *, query: Query, limit: int = 8) -> list[UseCase]:
    """Published fiches whose words start with what is typed (the last word as a prefix)."""
    dialect = session.get_bind().dialect.name
    statement, rank = _with_text(select(UseCase), query, dialect, prefix=True)
    statement = (
        statement.where(col(UseCase.status) == UseCaseStatus.PUBLISHED)
        .order_by(rank, col(UseCase.id))
        .limit(limit)
    )
    return list(session.execute(statement).scalars())
