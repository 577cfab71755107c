"""French text for search: the same words on both databases.

Text and queries go through the same steps here, in Python, before either database sees them:
lowercase, accents and punctuation dropped, stop words removed, each word reduced by the
Snowball French stemmer ("véhicules" and "vehicule" both become "vehicul"), and curated synonym
phrases replaced by one shared term. The index (`services.catalogue.search.index`) stores these
ready-made terms in tables of the database, so SQLite and PostgreSQL answer a query alike.
"""

from __future__ import annotations

import functools
import json
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import snowballstemmer  # type: ignore[import-untyped]

_WORD = re.compile(r"[a-z0-9]+")
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "’": "'"})

STOP_WORDS: Final = frozenset(
    [
        "a",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "d",
        "dans",
        "de",
        "des",
        "du",
        "elle",
        "en",
        "et",
        "il",
        "l",
        "la",
        "le",
        "les",
        "leur",
        "lui",
        "ma",
        "mais",
        "me",
        "meme",
        "mes",
        "moi",
        "mon",
        "n",
        "ne",
        "nos",
        "notre",
        "nous",
        "on",
        "ou",
        "par",
        "pas",
        "pour",
        "qu",
        "que",
        "qui",
        "s",
        "sa",
        "se",
        "ses",
        "son",
        "sur",
        "ta",
        "te",
        "tes",
        "toi",
        "ton",
        "tu",
        "un",
        "une",
        "vos",
        "votre",
        "vous",
        "y",
        "est",
        "sont",
        "ete",
        "etre",
        "c",
        "j",
        "m",
        "t",
    ]
)

# Groups of phrases that mean the same to people searching the catalogue (one maintained list,
# services/catalogue/search/synonyms.json, checked against its JSON Schema by a test): each group
# becomes one term, "zsyn" + its key, indexed beside the words and asked for by a query holding
# any phrase of the group. After a change, `search.index.rebuild` rewrites the index.
SYNONYMS_FILE: Final = Path(__file__).parent / "search" / "synonyms.json"
SYNONYM_PREFIX: Final = "zsyn"


def _load_synonyms() -> dict[str, tuple[str, ...]]:
    data = json.loads(SYNONYMS_FILE.read_text("utf-8"))
    return {SYNONYM_PREFIX + group["key"]: tuple(group["phrases"]) for group in data["groups"]}


SYNONYMS: Final[dict[str, tuple[str, ...]]] = _load_synonyms()


def fold(text: str) -> str:
    """Lowercase ASCII: accents, ligatures and case removed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LIGATURES))
    return decomposed.encode("ascii", "ignore").decode("ascii")


def words(text: str) -> list[str]:
    """The folded words of `text`, in order (stop words kept: synonyms may contain them)."""
    return _WORD.findall(fold(text))


@functools.cache
def _stemmer() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("french")


# A snowball stemmer keeps its state in the object while it works, and searches run in
# several threads: unguarded, concurrent calls gave wrong stems and IndexError (a 500).
_STEMMER_LOCK = threading.Lock()


@functools.lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    with _STEMMER_LOCK:
        return str(_stemmer().stemWord(word))


@functools.cache
def _synonym_phrases() -> list[tuple[tuple[str, ...], str]]:
    """(stemmed words of a phrase, its group term), longest phrases first."""
    phrases = {
        (tuple(stem(w) for w in words(phrase) if w not in STOP_WORDS), term)
        for term, group in SYNONYMS.items()
        for phrase in group
    }
    return sorted((p for p in phrases if p[0]), key=lambda item: (-len(item[0]), item))


@dataclass(frozen=True)
class Token:
    """A word of a text that is not a stop word: its span as written and its stem."""

    start: int
    end: int
    word: str
    stem: str


_WORD_AS_WRITTEN = re.compile(r"\w+")


def tokens(text: str) -> list[Token]:
    """The words of `text` that count, with their place in it (for highlighting)."""
    found: list[Token] = []
    for match in _WORD_AS_WRITTEN.finditer(text):
        for word in _WORD.findall(fold(match.group())):
            if word not in STOP_WORDS:
                found.append(Token(match.start(), match.end(), word, stem(word)))
    return found


def _stems(text: str) -> list[str]:
    return [stem(word) for word in words(text) if word not in STOP_WORDS]


def _synonym_terms(stems: list[str]) -> Iterator[tuple[int, int, str]]:
    """(start, end, group term) of each synonym phrase found in `stems`, without overlaps."""
    taken = [False] * len(stems)
    for phrase, term in _synonym_phrases():
        size = len(phrase)
        for start in range(len(stems) - size + 1):
            if tuple(stems[start : start + size]) == phrase and not any(
                taken[start : start + size]
            ):
                taken[start : start + size] = [True] * size
                yield start, start + size, term


def index_terms(text: str) -> str:
    """What the index holds for `text`: its stems, plus one term per synonym phrase."""
    stems = _stems(text)
    extra = sorted({term for _start, _end, term in _synonym_terms(stems)})
    return " ".join([*stems, *extra])


def term_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, term) of every indexed term of `text`: words, then synonym phrases."""
    found = tokens(text)
    spans = [(token.start, token.end, token.stem) for token in found]
    for start, end, term in _synonym_terms([token.stem for token in found]):
        spans.append((found[start].start, found[end - 1].end, term))
    return spans


@dataclass(frozen=True)
class Query:
    """A parsed query: its terms, and for each the words typed (a phrase for a synonym).

    Every term should match; a search shows the fiches holding them all, then those holding some.
    """

    terms: tuple[str, ...]
    typed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.terms)

    def word(self, position: int) -> str:
        return self.typed[position] if position < len(self.typed) else self.terms[position]


def parse_query(text: str) -> Query:
    """The terms of a query: a synonym phrase becomes its group's term, other words their stem."""
    found = tokens(text)
    stems = [token.stem for token in found]
    phrases = sorted(_synonym_terms(stems))
    pairs: list[tuple[str, str]] = []
    position = 0
    for start, end, term in phrases:
        pairs.extend((found[i].stem, found[i].word) for i in range(position, start))
        pairs.append((term, " ".join(token.word for token in found[start:end])))
        position = end
    pairs.extend((found[i].stem, found[i].word) for i in range(position, len(found)))
    unique = dict(reversed(pairs))  # the first spelling of a term typed twice
    terms = tuple(dict.fromkeys(term for term, _word in pairs))
    return Query(terms, tuple(unique[term] for term in terms))


def highlight(text: str, wanted: Iterable[str], *, width: int = 220) -> list[dict[str, object]]:
    """An excerpt of `text` around the first match, as segments `{text, match}` to display.

    Segments rather than markup: the page wraps matches in <mark> itself, so text from a fiche
    is never parsed as HTML. A synonym phrase ("analyse d'images") is marked whole.
    """
    terms = set(wanted)
    spans = sorted({(start, end) for start, end, term in term_spans(text) if term in terms})
    merged: list[tuple[int, int]] = []
    for span in spans:
        if merged and span[0] < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], span[1]))
        else:
            merged.append(span)
    start = max(0, merged[0][0] - width // 3) if merged else 0
    end = min(len(text), start + width)
    if start > 0:
        start = text.find(" ", start) + 1 or start
    segments: list[dict[str, object]] = []
    position = start
    for span_start, span_end in merged:
        if span_start < start or span_end > end:
            continue
        if span_start > position:
            segments.append({"text": text[position:span_start], "match": False})
        segments.append({"text": text[span_start:span_end], "match": True})
        position = span_end
    if position < end:
        segments.append({"text": text[position:end], "match": False})
    if start > 0:
        segments.insert(0, {"text": "… ", "match": False})
    if end < len(text):
        segments.append({"text": " …", "match": False})
    return segments


def best_snippet(texts: Iterable[str], query: Query | Iterable[str]) -> list[dict[str, object]]:
    """The excerpt of the first text holding a match (else of the first text)."""
    wanted = set(query.terms if isinstance(query, Query) else query)
    candidates = [text for text in texts if text]
    for text in candidates:
        segments = highlight(text, wanted)
        if any(segment["match"] for segment in segments):
            return segments
    return highlight(candidates[0], wanted) if candidates else []


def joined(parts: Iterable[str | None]) -> str:
    return " ".join(part for part in parts if part)
