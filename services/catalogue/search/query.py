"""A query made ready for the index: each typed word or phrase becomes a slot of terms.

A slot holds the term of what was typed, or, for a word of five letters or more that no
published fiche holds (a typo: "piscnes"), the indexed terms within one edit (two from eight
letters) of it, which are asked for instead and named in "did you mean". Each term carries its
rarity (BM25's inverse document frequency, as an integer): a rare word found counts more than a
common one, and a term read through a typo counts less than one typed right.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Final

from sqlalchemy import Connection, func, select
from sqlmodel import col

from services.catalogue.french_text import SYNONYM_PREFIX, Query, fold, stem
from services.catalogue.models import SearchTerm
from services.catalogue.search.index import published_count

TYPO_MIN_LETTERS: Final = 5
_LONG_WORD: Final = 8
_TYPO_DISCOUNT: Final = 0.7
_CANDIDATES: Final = 3


@dataclass(frozen=True)
class Slot:
    typed: str
    # term -> its weight in the ranking (rarity, less for a typo's reading)
    terms: dict[str, int]
    corrected: str | None = None


@dataclass(frozen=True)
class Plan:
    slots: tuple[Slot, ...] = ()
    published: int = 0
    terms: dict[str, tuple[int, int]] = field(default_factory=dict)  # term -> (slot, weight)

    def __bool__(self) -> bool:
        return bool(self.slots)

    @property
    def corrected(self) -> str | None:
        """The query as read, when a typo was read as another word ("did you mean")."""
        if not any(slot.corrected for slot in self.slots):
            return None
        return " ".join(slot.corrected or slot.typed for slot in self.slots)

    @property
    def wanted(self) -> set[str]:
        return set(self.terms)


def rarity(fiches: int, published: int) -> int:
    """BM25's inverse document frequency of a term held by `fiches` of `published` fiches."""
    return round(100 * math.log(1 + (published - fiches + 0.5) / (fiches + 0.5)))


def plan(connection: Connection, query: Query) -> Plan:
    if not query:
        return Plan()
    published = published_count(connection)
    # A single word of a synonym family also counts as itself: "callbot" finds every
    # chatbot, the callbot first.
    own = {
        position: stem(fold(query.word(position)))
        for position, term in enumerate(query.terms)
        if term.startswith(SYNONYM_PREFIX) and " " not in query.word(position)
    }
    known: dict[str, int] = dict(
        connection.execute(
            select(col(SearchTerm.term), col(SearchTerm.fiches)).where(
                col(SearchTerm.term).in_({*query.terms, *own.values()})
            )
        ).all()
    )
    slots: list[Slot] = []
    for position, term in enumerate(query.terms):
        typed = query.word(position)
        if term in known or term.startswith(SYNONYM_PREFIX) or len(typed) < TYPO_MIN_LETTERS:
            weights = {term: rarity(known.get(term, 0), published)}
            if position in own and own[position] in known:
                weights[own[position]] = rarity(known[own[position]], published)
            slots.append(Slot(typed, weights))
            continue
        near = near_terms(connection, term, typed)
        if not near:
            slots.append(Slot(typed, {term: 0}))
            continue
        slots.append(
            Slot(
                typed,
                {
                    candidate: round(_TYPO_DISCOUNT * rarity(fiches, published))
                    for candidate, fiches, _word in near
                },
                corrected=near[0][2],
            )
        )
    terms: dict[str, tuple[int, int]] = {}
    for index, slot in enumerate(slots):
        for term, weight in slot.terms.items():
            terms.setdefault(term, (index, weight))
    return Plan(tuple(slots), published, terms)


def near_terms(connection: Connection, term: str, typed: str) -> list[tuple[str, int, str]]:
    """(term, fiches, word) of the indexed words within reach of a typo, nearest first.

    Candidates share the first letter (typos there are rare, and it keeps the look-up to one
    range of the vocabulary's primary key); their distance is the smaller of the stems' and
    the words' as written.
    """
    typed = fold(typed)
    reach = 1 if len(typed) < _LONG_WORD else 2
    first = term[0]
    statement = select(col(SearchTerm.term), col(SearchTerm.fiches), col(SearchTerm.word)).where(
        col(SearchTerm.term) >= first,
        col(SearchTerm.term) < chr(ord(first) + 1),
        col(SearchTerm.word).is_not(None),
        # stems may be shorter than the word typed: a wide range, the distance decides
        func.length(SearchTerm.term).between(len(term) - reach - 5, len(term) + reach),
    )
    found: list[tuple[int, int, str, str]] = []
    for candidate, fiches, word in connection.execute(statement):
        distance = min(
            edit_distance(term, candidate, reach), edit_distance(typed, word or "", reach)
        )
        if distance <= reach:
            found.append((distance, -fiches, candidate, word or candidate))
    found.sort()
    return [(candidate, -fiches, word) for _d, fiches, candidate, word in found[:_CANDIDATES]]


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance with adjacent transpositions, or limit + 1 when beyond `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]
