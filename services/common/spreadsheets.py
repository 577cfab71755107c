"""Formula neutralisation of exported cells, the same in every CSV and XLSX export.

A spreadsheet evaluates a cell whose text starts with = + - @ (and, in some, tab or carriage
return first, or the full-width forms that East Asian locales turn into them): an exported
answer or title could then run a formula on the reader's machine (CSV injection). Such text
gets a leading apostrophe, so it is shown, never run. Numbers, dates and booleans pass as they
are: a negative number is a number, not text. JSON exports need none of this.

openpyxl is imported on first use, not with this module: it imports NumPy whenever NumPy is
installed, and a service importing this module should not load NumPy before it writes a workbook.
"""

from __future__ import annotations

import functools
import re
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise(value: Any) -> Any:
    """`value`, with an apostrophe first when it is text a spreadsheet would evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def printable(value: Any) -> Any:
    """`value` without the control characters an XLSX cell cannot hold (openpyxl refuses them).

    Found by the contract fuzzing: a label or an answer holding one made the download fail.
    """
    if isinstance(value, str):
        return _illegal_characters().sub("", value)
    return value


@functools.cache
def _illegal_characters() -> re.Pattern[str]:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]

    pattern: re.Pattern[str] = ILLEGAL_CHARACTERS_RE
    return pattern


def xlsx_cell(value: Any) -> Any:
    """A value as an XLSX export writes it: printable, and never run as a formula."""
    return neutralise(printable(value))
