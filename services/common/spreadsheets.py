"""Formula neutralisation of exported cells, the same in every CSV and XLSX export.

A spreadsheet evaluates a cell whose text starts with = + - @ (and, in some, tab or carriage
return first, or the full-width forms that East Asian locales turn into them): an exported
answer or title could then run a formula on the reader's machine (CSV injection). Such text
gets a leading apostrophe, so it is shown, never run. Numbers, dates and booleans pass as they
are: a negative number is a number, not text. JSON exports need none of this.
"""

from __future__ import annotations

import re
from typing import Any

# What the XML of an XLSX cannot hold: C0 controls (but tab and line breaks), surrogates, U+FFFE
# and U+FFFF (openpyxl refuses the first; the others make a file that no spreadsheet opens).
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise(value: Any) -> Any:
    """`value`, with an apostrophe first when it is text a spreadsheet would evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
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
    """A value as an XLSX export writes it: printable, and never run as a formula."""
    return neutralise(printable(value))
