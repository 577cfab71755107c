"""Searching the published fiches: matching, ranking, facet counts, sort and pages, in SQL.

Everything is computed by the database, on the index's tables (`search.index`), with the same
SQL on SQLite and PostgreSQL, so both give the same fiches in the same order:

- a fiche's score is the sum, over the query's terms it holds, of the term's weight in the
  fiche times its rarity (integers: the same sums on both databases); ties go to the newest;
- the results are the fiches holding every slot of the query (a word, a synonym phrase, or
  the readings of a typo); when they are few, the fiches holding at least half of them
  follow, separately, those holding the most slots first;
- facet counts are GROUP BY queries over the same match and filters; a filtered facet is
  counted without its own filter, so its other values stay offered (OR within a facet, AND
  between facets); the list facet (Article 50 obligations, "|a|b|") counts each code;
- only the page's rows are read, sorted and cut by the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Integer,
    Select,
    String,
    and_,
    case,
    distinct,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import defer
from sqlmodel import Session, col

from services.catalogue import vocabularies
from services.catalogue.french_text import Query
from services.catalogue.models import SearchTerm, UseCase, UseCaseStatus, UseCaseTerm
from services.catalogue.search.query import Plan, plan
from services.catalogue.vocabularies import FACET_COLUMNS, LIST_FACET_COLUMNS
from services.common.territories.search import get_index


class Sort(StrEnum):
    RELEVANCE = "pertinence"
    DATE = "date"
    NAME = "nom"


# Fewer full matches than this, and the fiches holding part of the query are shown after them.
PARTIAL_BELOW: Final = 5
PARTIAL_LIMIT: Final = 10

# Every facet, in the order of the answer: the single-valued ones, then the lists.
FACETS: Final = (*FACET_COLUMNS, *LIST_FACET_COLUMNS)

_NOT_SHOWN = (
    defer(UseCase.draft),  # type: ignore[arg-type]
    defer(UseCase.published),  # type: ignore[arg-type]
)


@dataclass(frozen=True)
class SearchResult:
    rows: list[UseCase]
    total: int
    facets: dict[str, list[dict[str, Any]]]
    plan: Plan = field(default_factory=Plan)
    # Fiches holding part of the query, when those holding all of it are few.
    partial: list[UseCase] = field(default_factory=list)


def _matches_codes(name: str, codes: list[str]) -> ColumnElement[bool]:
    if name in LIST_FACET_COLUMNS:
        # "|code|" inside "|a|b|", the LIKE wildcards of the code (its "_") escaped.
        listed = getattr(UseCase, LIST_FACET_COLUMNS[name])
        return or_(*(listed.contains(f"|{code}|", autoescape=True) for code in codes))
    column = getattr(UseCase, name)
    if name == "individual_decisions":
        return column.in_([code == "oui" for code in codes])  # type: ignore[no-any-return]
    return column.in_(codes)  # type: ignore[no-any-return]


def _conditions(filters: dict[str, list[str]], *, without: str | None = None) -> list[Any]:
    conditions: list[Any] = [col(UseCase.status) == UseCaseStatus.PUBLISHED]
    for name, values in filters.items():
        if values and name != without:
            conditions.append(_matches_codes(name, values))
    return conditions


def _matched(query: Plan) -> Any:
    """Per fiche holding a query term: its score and how many of the query's slots it holds."""
    term = col(UseCaseTerm.term)
    weight_of = case(
        {t: literal(w, Integer) for t, (_s, w) in query.terms.items()}, value=term, else_=0
    )
    slot_of = case({t: literal(s, Integer) for t, (s, _w) in query.terms.items()}, value=term)
    return (
        select(
            col(UseCaseTerm.use_case_id).label("id"),
            func.sum(col(UseCaseTerm.weight) * weight_of).label("score"),
            func.count(distinct(slot_of)).label("hits"),
        )
        .where(term.in_(list(query.terms)))
        .group_by(col(UseCaseTerm.use_case_id))
        .cte("matched")
    )


def _code_of(name: str) -> Any:
    column = getattr(UseCase, name)
    if name == "individual_decisions":
        return case((column.is_(True), literal("oui")), (column.is_(False), literal("non")))
    return column


def _facet_counts(
    matched: Any, full: Any, filters: dict[str, list[str]]
) -> CompoundSelect[Any] | Select[Any]:
    """One statement: the total, then (facet, code, count) of every facet value."""

    def counted(*columns: Any, without: str | None = None) -> Select[Any]:
        statement = select(*columns, func.count().label("n")).select_from(UseCase)
        if matched is not None:
            statement = statement.join(matched, and_(matched.c.id == UseCase.id, full))
        return statement.where(*_conditions(filters, without=without))

    branches: list[Select[Any]] = [
        counted(literal("").label("facet"), literal("", String).label("code"))
    ]
    for name in FACET_COLUMNS:
        code = _code_of(name)
        branches.append(
            counted(literal(name), code, without=name).where(code.is_not(None)).group_by(code)
        )
    for name, column in LIST_FACET_COLUMNS.items():
        for code in vocabularies.ALL[name]:
            contains = getattr(UseCase, column).contains(f"|{code}|", autoescape=True)
            branches.append(counted(literal(name), literal(code), without=name).where(contains))
    return union_all(*branches)


def search(
    session: Session,
    *,
    query: Query,
    filters: dict[str, list[str]],
    sort: Sort | None,
    limit: int,
    offset: int,
) -> SearchResult:
    """One page of the published fiches matching `query` and `filters`, with facet counts."""
    connection = session.connection()
    planned = plan(connection, query)
    sort = sort or (Sort.RELEVANCE if planned else Sort.DATE)
    filters = {name: values for name, values in filters.items() if values}
    matched = _matched(planned) if planned else None
    full: Any = matched.c.hits == len(planned.slots) if matched is not None else None

    counts: dict[str, list[dict[str, Any]]] = {name: [] for name in FACETS}
    total = 0
    for facet, code, count in connection.execute(_facet_counts(matched, full, filters)):
        if facet == "":
            total = int(count)
        elif count:
            counts[facet].append(
                {"code": code, "label": facet_label(facet, code), "count": int(count)}
            )
    for values in counts.values():
        values.sort(key=lambda item: (-item["count"], item["label"]))

    page = select(UseCase).options(*_NOT_SHOWN).where(*_conditions(filters))
    if matched is not None:
        page = page.join(matched, and_(matched.c.id == UseCase.id, full))
    page = page.order_by(*_order(sort, matched)).limit(limit).offset(offset)
    rows = list(session.scalars(page))

    partial: list[UseCase] = []
    if matched is not None and len(planned.slots) > 1 and total < PARTIAL_BELOW and offset == 0:
        # At least half the words: one word of three is too weak a match to offer.
        slots = len(planned.slots)
        partly = and_(matched.c.hits < slots, matched.c.hits * 2 >= slots)
        some = (
            select(UseCase)
            .options(*_NOT_SHOWN)
            .join(matched, and_(matched.c.id == UseCase.id, partly))
            .where(*_conditions(filters))
            .order_by(matched.c.hits.desc(), *_order(Sort.RELEVANCE, matched))
            .limit(PARTIAL_LIMIT)
        )
        partial = list(session.scalars(some))
    return SearchResult(rows=rows, total=total, facets=counts, plan=planned, partial=partial)


def matching(session: Session, *, query: Query, filters: dict[str, list[str]]) -> Select[Any]:
    """The ids of the published fiches a search finds (every slot of `query`, and `filters`),
    as a statement to select from: the feeds of a saved search follow it this way."""
    planned = plan(session.connection(), query)
    statement = select(col(UseCase.id)).where(
        *_conditions({name: values for name, values in filters.items() if values})
    )
    if planned:
        matched = _matched(planned)
        statement = statement.join(
            matched, and_(matched.c.id == UseCase.id, matched.c.hits == len(planned.slots))
        )
    return statement


def _order(sort: Sort, matched: Any) -> list[Any]:
    newest = [col(UseCase.published_at).desc(), col(UseCase.id).desc()]
    if sort is Sort.NAME:
        return [col(UseCase.sort_title), col(UseCase.id)]
    if sort is Sort.RELEVANCE and matched is not None:
        return [matched.c.score.desc(), *newest]
    return newest


def facet_label(facet: str, code: str) -> str:
    if facet in ("region", "departement"):
        territory = get_index().lookup(code, kind=facet)  # type: ignore[arg-type]
        return territory.name if territory else code
    return vocabularies.label(facet, code)


def suggestions(session: Session, *, query: Query, limit: int = 8) -> list[UseCase]:
    """Published fiches holding the words typed, the last one as the start of a word.

    The last word's completions are the vocabulary's terms that begin with it (a range of the
    primary key), the most common first; the fiches are ranked like a search.
    """
    connection = session.connection()
    *whole, last = query.terms
    completions = [
        term
        for (term,) in connection.execute(
            select(col(SearchTerm.term))
            .where(col(SearchTerm.term) >= last, col(SearchTerm.term) < last + "\uffff")
            .order_by(col(SearchTerm.fiches).desc(), col(SearchTerm.term))
            .limit(20)
        )
    ]
    if not completions:
        return []
    planned = plan(connection, Query(tuple(whole)))
    slots = len(planned.slots)
    terms = dict(planned.terms)
    for term in completions:
        terms.setdefault(term, (slots, 100))
    matched = _matched(Plan(planned.slots, planned.published, terms))
    statement = (
        select(UseCase)
        .options(*_NOT_SHOWN)
        .join(matched, and_(matched.c.id == UseCase.id, matched.c.hits == slots + 1))
        .where(col(UseCase.status) == UseCaseStatus.PUBLISHED)
        .order_by(*_order(Sort.RELEVANCE, matched))
        .limit(limit)
    )
    return list(session.scalars(statement))
