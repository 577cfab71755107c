"""Formula neutralisation of exported cells, the same in every CSV and XLSX export.

A spreadsheet evaluates a cell whose text starts with = + - @ (OWASP, CSV injection), and, in
some, tab or carriage return first: an exported answer or title could then run a formula on the
reader's machine. What a spreadsheet looks at is not always the first character: it may skip
leading spaces and invisible characters, a stored control character is dropped from an XLSX
cell (`printable`), and East Asian input methods turn full-width forms (＝, ＋, －, ＠) into
their ASCII twins. So the text is first normalised as a spreadsheet may read it (leading
spaces, controls and format characters skipped, NFKC), and only then checked. Text that would
be evaluated gets a leading apostrophe, so it is shown, never run; the value itself is kept.
Numbers, dates and booleans pass as they are: a negative number is a number, not text. JSON
exports need none of this.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# What the XML of an XLSX cannot hold: C0 controls (but tab and line breaks), surrogates, U+FFFE
# and U+FFFF (openpyxl refuses the first; the others make a file that no spreadsheet opens).
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# OWASP's list, once normalised; tab and carriage return count only as the very first character
# (skipped after, as the other leading white space).
FORMULA_START = ("=", "+", "-", "@")
_FIRST_CHARACTER = ("\t", "\r")
# Characters that NFKC leaves alone but that a spreadsheet may read as a minus sign.
_MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2796": "-"})
# Unicode categories a reader may not see or a spreadsheet may skip: controls, format
# characters (zero-width space, BOM, bidi marks), spaces and line or paragraph separators.
_SKIPPED = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})
# Enough of the text to normalise: NFKC turns one character into at most 18.
_LOOKAHEAD = 4


def evaluated_start(text: str) -> str:
    """The first characters of `text` as a spreadsheet may read them: what it skips removed
    (leading white space, controls, invisible format characters), then NFKC-normalised."""
    for index, character in enumerate(text):
        if not (character.isspace() or unicodedata.category(character) in _SKIPPED):
            start = text[index : index + _LOOKAHEAD]
            return unicodedata.normalize("NFKC", start).translate(_MINUS_SIGNS)
    return ""


def would_evaluate(text: str) -> bool:
    """Whether a spreadsheet might read `text` as a formula (OWASP CSV injection)."""
    return text.startswith(_FIRST_CHARACTER) or evaluated_start(text).startswith(FORMULA_START)


def neutralise(value: Any) -> Any:
    """`value`, with an apostrophe first when it is text a spreadsheet would evaluate.

    The one function every CSV and XLSX export of the three services applies to its cells."""
    if isinstance(value, str) and would_evaluate(value):
        return "'" + value
    return value


def printable(value: Any) -> Any:
    """`value` without the characters an XLSX cell cannot hold (see `_NOT_IN_XML`).

    Found by the contract fuzzing: a label or an answer holding one made the download fail; a
    stored U+FFFE made the file unreadable.
    """
    if isinstance(value, str):
        return _NOT_IN_XML.sub("", value)
    return value


def xlsx_cell(value: Any) -> Any:
    """A value as an XLSX export writes it: printable, then never run as a formula (in this
    order: dropping a control character may bring a formula to the front)."""
    return neutralise(printable(value))
