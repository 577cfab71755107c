"""The search index: the terms of each published fiche, with their weights, in the database.

The index is two tables of the catalogue's own database (`use_case_term`, `search_term`),
written in the same transaction as the change that publishes, edits or withdraws a fiche (a
flush listener below): it is fresh the moment that transaction commits, for every replica of
the service, on SQLite and PostgreSQL alike, and nothing else has to be kept in step.

What a fiche is found by (`FIELD_WEIGHTS`): its title, keywords, the French labels of its coded
fields (a "Déchets et propreté" domain is found by "déchets"), its local authority's name, kind,
département and région, its suppliers and models, summary and description. Each term's weight
sums the weights of the fields holding it, saturated (a word said ten times is not ten times
as relevant) and normalised by the fiche's length, as in BM25; it is stored as an integer so
that both databases add and order the same numbers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any, Final

from sqlalchemy import Connection, delete, event, func, insert, inspect, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import UOWTransaction, load_only
from sqlmodel import col

from services.catalogue import vocabularies
from services.catalogue.french_text import SYNONYM_PREFIX, term_spans, tokens
from services.catalogue.models import SearchTerm, UseCase, UseCaseStatus, UseCaseTerm
from services.common.territories.search import get_index

# How much a word counts, by where it is. A title says what the fiche is about; keywords and
# labels were chosen to describe it; the description is long and says many things.
FIELD_WEIGHTS: Final[dict[str, int]] = {
    "title": 10,
    "keywords": 7,
    "labels": 4,
    "local_authority": 5,
    "places": 3,
    "suppliers": 3,
    "summary": 3,
    "department_service": 2,
    "text": 1,
}
# The coded fields whose labels are indexed, and the title of each in "Domaine : …".
LABELLED_FIELDS: Final[tuple[str, ...]] = (
    "domain",
    "application_type",
    "ai_technology",
    "ai_act_class",
    "annex_iii_area",
    "project_status",
    "art50_obligations",
    "local_authority_kind",
)
_TEXT_FIELDS: Final = ("description", "goal", "expected_benefits", "lessons_learned")
_SUPPLIER_FIELDS: Final = ("suppliers", "models")
# BM25's saturation and length normalisation; a typical fiche has about REFERENCE_LENGTH words.
_SATURATION: Final = 8.0
_LENGTH_EFFECT: Final = 0.4
_REFERENCE_LENGTH: Final = 120
TERM_LENGTH: Final = 60
# The columns of `use_case` that indexing a fiche reads.
INDEXED_COLUMNS: Final = (
    "id",
    "status",
    "published",
    "title",
    "local_authority_name",
    "local_authority_kind",
    "departement",
    "region",
)


def field_texts(use_case: UseCase, content: dict[str, Any]) -> list[tuple[str, str]]:
    """(field group, text) of everything a fiche is found by."""
    texts: list[tuple[str, str]] = [("title", content.get("title") or use_case.title)]
    texts += [("keywords", keyword) for keyword in content.get("keywords") or []]
    texts += [("labels", label) for _name, label in labels(use_case, content)]
    if use_case.local_authority_name:
        texts.append(("local_authority", use_case.local_authority_name))
    texts += [("places", name) for _kind, name in places(use_case)]
    texts += [("suppliers", content.get(name) or "") for name in _SUPPLIER_FIELDS]
    texts.append(("summary", content.get("summary") or ""))
    texts.append(("department_service", content.get("department_service") or ""))
    texts += [("text", content.get(name) or "") for name in _TEXT_FIELDS]
    return [(group, text) for group, text in texts if text]


def labels(use_case: UseCase, content: dict[str, Any]) -> list[tuple[str, str]]:
    """(coded field, French label) of each coded value of the fiche that is indexed."""
    found: list[tuple[str, str]] = []
    for name in LABELLED_FIELDS:
        value = (
            use_case.local_authority_kind if name == "local_authority_kind" else content.get(name)
        )
        codes = value if isinstance(value, list) else [value] if value else []
        found += [(name, vocabularies.label(name, code)) for code in codes]
    return found


def places(use_case: UseCase) -> list[tuple[str, str]]:
    """(kind, name) of the porteur's département and région, from the territories reference."""
    found: list[tuple[str, str]] = []
    for kind in ("departement", "region"):
        code = getattr(use_case, kind)
        territory = get_index().lookup(code, kind=kind) if code else None
        if territory is not None:
            found.append((kind, territory.name))
    return found


def weighted_terms(texts: Iterable[tuple[str, str]]) -> tuple[dict[str, int], dict[str, str]]:
    """Each term's integer weight, and one spelling of each word's term."""
    weights: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    length = 0
    for group, text in texts:
        for token in tokens(text):
            written = text[token.start : token.end].casefold()
            spelling.setdefault(token.stem[:TERM_LENGTH], written[:TERM_LENGTH])
        for _start, _end, term in term_spans(text):
            weights[term[:TERM_LENGTH]] += FIELD_WEIGHTS[group]
            length += 1
    norm = 1 - _LENGTH_EFFECT + _LENGTH_EFFECT * length / _REFERENCE_LENGTH
    scaled = {
        term: round(1000 * tf * (_SATURATION + 1) / (tf + _SATURATION * norm))
        for term, tf in weights.items()
    }
    return scaled, spelling


def _insert(connection: Connection) -> Any:
    return (sqlite_insert if connection.dialect.name == "sqlite" else postgresql_insert)(SearchTerm)


def _terms_of(connection: Connection, use_case_id: int) -> list[str]:
    statement = select(col(UseCaseTerm.term)).where(col(UseCaseTerm.use_case_id) == use_case_id)
    return [term for (term,) in connection.execute(statement)]


def _lock(connection: Connection, terms: Iterable[str]) -> None:
    """Lock the counts of `terms` in the terms' order before changing any of them.

    Two fiches written at once share common terms; locked in any other order (an UPDATE … IN
    locks in the order it finds the rows on disk), each can hold what the other waits for: a
    deadlock, seen under load. SQLite writes one transaction at a time and has no row locks."""
    if connection.dialect.name == "sqlite":
        return
    for chunk in _chunks(sorted(set(terms))):
        connection.execute(
            select(col(SearchTerm.term))
            .where(col(SearchTerm.term).in_(chunk))
            .order_by(col(SearchTerm.term))
            .with_for_update()
        )


def remove(connection: Connection, use_case_id: int, old: list[str] | None = None) -> None:
    """Take a fiche's terms (`old`, read if not given) out of the index and out of the counts
    of its terms."""
    if old is None:
        old = _terms_of(connection, use_case_id)
        _lock(connection, old)
    if not old:
        return
    connection.execute(delete(UseCaseTerm).where(col(UseCaseTerm.use_case_id) == use_case_id))
    for chunk in _chunks(sorted(old)):
        connection.execute(
            update(SearchTerm)
            .where(col(SearchTerm.term).in_(chunk))
            .values(fiches=col(SearchTerm.fiches) - 1)
        )
        connection.execute(
            delete(SearchTerm).where(col(SearchTerm.term).in_(chunk), col(SearchTerm.fiches) <= 0)
        )


def write(connection: Connection, use_case: UseCase) -> None:
    """Replace the fiche's terms: its published content's, or none when it is not published."""
    assert use_case.id is not None
    content = use_case.published
    weights: dict[str, int] = {}
    spelling: dict[str, str] = {}
    if use_case.status == UseCaseStatus.PUBLISHED and content is not None:
        weights, spelling = weighted_terms(field_texts(use_case, content))
    old = _terms_of(connection, use_case.id)
    # Every count this write changes, locked at once and in order: see _lock.
    _lock(connection, [*old, *weights])
    remove(connection, use_case.id, old)
    if not weights:
        return
    connection.execute(
        insert(UseCaseTerm),
        [
            {"term": term, "use_case_id": use_case.id, "weight": weight}
            for term, weight in sorted(weights.items())
        ],
    )
    statement = _insert(connection)
    upsert = statement.on_conflict_do_update(
        index_elements=["term"], set_={"fiches": col(SearchTerm.fiches) + 1}
    )
    connection.execute(
        upsert,
        [
            {
                "term": term,
                "fiches": 1,
                "word": None if term.startswith(SYNONYM_PREFIX) else spelling.get(term),
            }
            for term in sorted(weights)
        ],
    )


def _chunks(items: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def rebuild(connection: Connection) -> int:
    """Index every published fiche again (after a change of the analysis or of the synonyms)."""
    connection.execute(delete(UseCaseTerm))
    connection.execute(delete(SearchTerm))
    with OrmSession(bind=connection) as session:
        # Only the columns indexed: this also runs in a migration, before later columns exist.
        read = load_only(*(getattr(UseCase, name) for name in INDEXED_COLUMNS))
        rows = session.scalars(
            select(UseCase).options(read).where(col(UseCase.status) == UseCaseStatus.PUBLISHED)
        ).all()
        for use_case in rows:
            write(connection, use_case)
    return len(rows)


def published_count(connection: Connection) -> int:
    statement = select(func.count()).where(col(UseCase.status) == UseCaseStatus.PUBLISHED)
    return int(connection.execute(statement.select_from(UseCase)).scalar_one())


@event.listens_for(OrmSession, "before_flush")
def _unindex_deleted(session: OrmSession, _flush: UOWTransaction, _instances: object) -> None:
    """A fiche about to be deleted leaves the index first (and the counts of its terms)."""
    for obj in session.deleted:
        if isinstance(obj, UseCase) and obj.id is not None:
            remove(session.connection(), obj.id)


@event.listens_for(OrmSession, "after_flush")
def _reindex_changed(session: OrmSession, _flush: UOWTransaction) -> None:
    """Every fiche inserted by this flush, or whose indexed columns it changed, gets its terms
    written again (an edit of the draft alone leaves the index, and its shared counts, alone)."""
    changed = [
        obj
        for obj in (*session.new, *session.dirty)
        if isinstance(obj, UseCase) and (obj in session.new or _indexed_changed(obj))
    ]
    if changed:
        connection = session.connection()
        for use_case in changed:
            write(connection, use_case)


def _indexed_changed(use_case: UseCase) -> bool:
    state = inspect(use_case)
    return any(state.attrs[name].history.has_changes() for name in INDEXED_COLUMNS)
