"""French text for search: the same words on both databases.

Text and queries go through the same steps here, in Python, before either database sees them:
lowercase, accents and punctuation dropped, stop words removed, each word reduced by the
Snowball French stemmer ("véhicules" and "vehicule" both become "vehicul"), and curated synonym
phrases replaced by one shared term. SQLite FTS5 and PostgreSQL text search then only match
ready-made terms, so both answer a query with the same fiches.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
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

# Groups of phrases that mean the same to people searching the catalogue; each group becomes
# one term (its key). Curated: add phrases here, then `iat-admin` reindexes at start.
SYNONYMS: Final[dict[str, tuple[str, ...]]] = {
    "zsyniagen": (
        "ia generative",
        "intelligence artificielle generative",
        "llm",
        "llms",
        "chatgpt",
        "gpt",
        "grand modele de langage",
        "grands modeles de langage",
        "modele de langage",
        "iagen",
        "mistral",
        "albert",
    ),
    "zsynchatbot": (
        "chatbot",
        "chatbots",
        "agent conversationnel",
        "assistant conversationnel",
        "robot conversationnel",
        "callbot",
        "voicebot",
        "assistant virtuel",
        "agent virtuel",
    ),
    "zsynvision": (
        "vision par ordinateur",
        "computer vision",
        "reconnaissance d images",
        "analyse d images",
        "analyse video",
        "videoprotection",
        "video protection",
    ),
    "zsynocr": ("ocr", "reconnaissance optique de caracteres", "lecture automatique de documents"),
    "zsynvoix": ("transcription", "reconnaissance vocale", "speech to text", "parole en texte"),
    "zsynml": ("apprentissage automatique", "machine learning", "apprentissage statistique"),
    "zsynia": ("ia", "intelligence artificielle", "ai"),
}


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
    phrases = [
        (tuple(stem(w) for w in words(phrase) if w not in STOP_WORDS), term)
        for term, group in SYNONYMS.items()
        for phrase in group
    ]
    return sorted((p for p in phrases if p[0]), key=lambda item: -len(item[0]))


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
    """What the databases index for `text`: its stems, plus one term per synonym phrase."""
    stems = _stems(text)
    extra = sorted({term for _start, _end, term in _synonym_terms(stems)})
    return " ".join([*stems, *extra])


_WORD_AS_WRITTEN = re.compile(r"\w+")


@functools.lru_cache(maxsize=50_000)
def _term_of(word: str) -> str:
    """The indexed term of one word as written ('' for a stop word)."""
    folded = fold(word)
    return "" if folded in STOP_WORDS else stem(folded)


@dataclass(frozen=True)
class Query:
    """A parsed query: every term must match (AND)."""

    terms: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.terms)


def parse_query(text: str) -> Query:
    """The terms of a query: a synonym phrase becomes its group's term, other words their stem."""
    stems = _stems(text)
    phrases = sorted(_synonym_terms(stems))
    terms: list[str] = []
    position = 0
    for start, end, term in phrases:
        terms.extend(stems[position:start])
        terms.append(term)
        position = end
    terms.extend(stems[position:])
    return Query(tuple(dict.fromkeys(terms)))


def highlight(text: str, query: Query, *, width: int = 220) -> list[dict[str, object]]:
    """An excerpt of `text` around the first match, as segments `{text, match}` to display.

    Segments rather than markup: the page wraps matches in <mark> itself, so text from a fiche
    is never parsed as HTML.
    """
    wanted = set(query.terms)
    spans = [
        (m.start(), m.end())
        for m in _WORD_AS_WRITTEN.finditer(text)
        if _term_of(m.group()) in wanted
    ]
    start = max(0, spans[0][0] - width // 3) if spans else 0
    end = min(len(text), start + width)
    if start > 0:
        start = text.find(" ", start) + 1 or start
    segments: list[dict[str, object]] = []
    position = start
    for span_start, span_end in spans:
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


def best_snippet(texts: Iterable[str], query: Query) -> list[dict[str, object]]:
    """The excerpt of the first text holding a match (else of the first text)."""
    candidates = [text for text in texts if text]
    for text in candidates:
        segments = highlight(text, query)
        if any(segment["match"] for segment in segments):
            return segments
    return highlight(candidates[0], query) if candidates else []


def joined(parts: Iterable[str | None]) -> str:
    return " ".join(part for part in parts if part)
