"""The published fiches that resemble one: shared codes and shared distinctive words, in SQL.

A candidate's score adds points for each coded field it shares (`CODE_POINTS`: the domain
weighs most) and, for the fiche's most distinctive terms (weight in it × rarity, the commonest
terms left out), the candidate's weight of each. Fiches of other local authorities come first:
someone reading a fiche already knows what their own authority does. Each result says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import Integer, and_, case, func, literal, select
from sqlmodel import Session, col

from services.catalogue import vocabularies
from services.catalogue.french_text import SYNONYM_PREFIX, SYNONYMS
from services.catalogue.models import SearchTerm, UseCase, UseCaseStatus, UseCaseTerm
from services.catalogue.search.explain import FIELD_TITLES, label_terms, label_values
from services.catalogue.search.index import published_count
from services.catalogue.search.query import rarity

# Points of a shared code, on the scale of shared words (a shared title word scores ~2,000).
CODE_POINTS: Final[dict[str, int]] = {
    "domain": 3000,
    "ai_technology": 2500,
    "application_type": 2000,
    "ai_act_class": 600,
}
_DISTINCTIVE_TERMS: Final = 15
_SHOWN_WORDS: Final = 4
SIMILAR_COUNT: Final = 5


@dataclass(frozen=True)
class Similar:
    use_case: UseCase
    shared_codes: list[dict[str, str]]
    shared_words: list[str]
    same_authority: bool


def _distinctive(session: Session, use_case: UseCase) -> dict[str, int]:
    """The fiche's most distinctive terms and the weight of each in the comparison."""
    connection = session.connection()
    published = published_count(connection)
    rows = connection.execute(
        select(col(UseCaseTerm.term), col(UseCaseTerm.weight), col(SearchTerm.fiches))
        .join(SearchTerm, col(SearchTerm.term) == col(UseCaseTerm.term))
        .where(col(UseCaseTerm.use_case_id) == use_case.id)
    ).all()
    # Words of its labels are left to the codes, which count them already.
    coded = {term for _field, label in label_values(use_case) for term in label_terms(label)}
    scored = sorted(
        (-(weight * rarity(fiches, published)) // 1000, term)
        for term, weight, fiches in rows
        if 1 < fiches <= max(2, published // 2) and term not in coded
    )
    return {term: -score for score, term in scored[:_DISTINCTIVE_TERMS] if score < 0}


def _word_of(term: str, spelling: dict[str, str | None]) -> str:
    if term.startswith(SYNONYM_PREFIX):
        return SYNONYMS[term][0]
    return spelling.get(term) or term


def similar(session: Session, use_case: UseCase, *, limit: int = SIMILAR_COUNT) -> list[Similar]:
    assert use_case.id is not None
    terms = _distinctive(session, use_case)
    term = col(UseCaseTerm.term)
    words: Any = None
    if terms:
        words = (
            select(
                col(UseCaseTerm.use_case_id).label("id"),
                func.sum(
                    col(UseCaseTerm.weight)
                    * case({t: literal(w, Integer) for t, w in terms.items()}, value=term, else_=0)
                ).label("score"),
            )
            .where(term.in_(list(terms)), col(UseCaseTerm.use_case_id) != use_case.id)
            .group_by(col(UseCaseTerm.use_case_id))
            .subquery("words")
        )
    points: Any = literal(0, Integer)
    for name, value in CODE_POINTS.items():
        code = getattr(use_case, name)
        if code is not None:
            points = points + case((getattr(UseCase, name) == code, value), else_=0)
    word_score: Any = func.coalesce(words.c.score, 0) // 1000 if words is not None else 0
    score = (points + word_score).label("score")
    same = case((col(UseCase.local_authority_code) == use_case.local_authority_code, 1), else_=0)
    statement = select(UseCase, score).where(
        col(UseCase.status) == UseCaseStatus.PUBLISHED, col(UseCase.id) != use_case.id
    )
    if words is not None:
        statement = statement.outerjoin(words, and_(words.c.id == UseCase.id))
    statement = (
        statement.where(score > 0)
        .order_by(same, score.desc(), col(UseCase.published_at).desc(), col(UseCase.id).desc())
        .limit(limit)
    )
    found = [row for row, _score in session.execute(statement)]
    shared = _shared_terms(session, [row.id for row in found if row.id is not None], terms)
    spelling = _spellings(session, {t for ts in shared.values() for t in ts})
    return [
        Similar(
            use_case=row,
            shared_codes=[
                {"field": FIELD_TITLES[name], "label": vocabularies.label(name, getattr(row, name))}
                for name in CODE_POINTS
                if getattr(row, name) is not None and getattr(row, name) == getattr(use_case, name)
            ],
            shared_words=list(
                dict.fromkeys(
                    _word_of(t, spelling)
                    for t in sorted(shared.get(row.id or 0, []), key=lambda t: -terms[t])
                )
            )[:_SHOWN_WORDS],
            same_authority=row.local_authority_code == use_case.local_authority_code,
        )
        for row in found
    ]


def _shared_terms(session: Session, ids: list[int], terms: dict[str, int]) -> dict[int, list[str]]:
    if not ids or not terms:
        return {}
    shared: dict[int, list[str]] = {}
    rows = session.connection().execute(
        select(col(UseCaseTerm.use_case_id), col(UseCaseTerm.term)).where(
            col(UseCaseTerm.use_case_id).in_(ids), col(UseCaseTerm.term).in_(list(terms))
        )
    )
    for use_case_id, term in rows:
        shared.setdefault(use_case_id, []).append(term)
    return shared


def _spellings(session: Session, terms: set[str]) -> dict[str, str | None]:
    if not terms:
        return {}
    rows = session.connection().execute(
        select(col(SearchTerm.term), col(SearchTerm.word)).where(col(SearchTerm.term).in_(terms))
    )
    return {term: word for term, word in rows}  # noqa: C416 (rows, not pairs)
