"""How deep a JSON document received may nest, checked on its bytes before anything parses it.

Found by the security review: a deeply nested catalogue import (`[[[[…]]]]`, a few hundred
kilobytes) made the JSON parser raise RecursionError, a 500. Python's parser, pydantic and
every walk over a document recurse once per level; no document of these services nests
beyond a dozen levels (a questionnaire's sections hold questions that hold choices). So a
body or an uploaded JSON file nesting deeper than `MAX_DEPTH` is refused with a 422.
"""

from __future__ import annotations

import re
from itertools import accumulate

MAX_DEPTH = 32

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_A_BRACKET = bytes(sorted(set(range(256)) - set(b"[]{}")))
_STEP = [0] * 256
for _byte in b"[{":
    _STEP[_byte] = 1
for _byte in b"]}":
    _STEP[_byte] = -1


def too_deep(raw: bytes, max_depth: int = MAX_DEPTH) -> bool:
    """Whether the arrays and objects of the JSON document `raw` nest beyond `max_depth`
    (counting brackets left open too: the parser recurses into them before it finds the end).

    Cheap for every document: one that does not hold `max_depth` opening brackets in all
    cannot nest that deep, and most bodies stop there. Otherwise its strings are removed, its
    brackets kept and their running depth summed, each step in C (about 15 ms a megabyte).
    """
    if raw.count(b"[") + raw.count(b"{") <= max_depth:
        return False
    brackets = _STRING.sub(b"", raw).translate(None, _NOT_A_BRACKET)
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0) > max_depth


def too_deep_message(max_depth: int = MAX_DEPTH) -> str:
    return f"Le JSON reçu est imbriqué sur plus de {max_depth} niveaux : refusé."
