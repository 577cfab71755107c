"""Text typed by people made fit for one header line: an e-mail subject, a file name.

A line break in a campaign's or a hearing's title made the e-mail package refuse the subject
(a 500 when sending), and could otherwise have added a header of the writer's choosing
(`Bcc:`). Bidirectional controls could make a name read backwards ("fdp.exe" shown as
"exe.pdf"). Such text is kept, on one line: line breaks and controls become spaces, runs of
white space one space, bidirectional controls are dropped, and it is cut at `max_length`.
"""

from __future__ import annotations

import re
import unicodedata

# Categories that end, hide or garble a header line: controls, surrogates, line and paragraph
# separators (str.split counts these as white space too).
_BREAKING = frozenset({"Cc", "Cs", "Zl", "Zp"})
_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def header_text(text: str, *, max_length: int = 200) -> str:
    """`text` on one line, without controls, at most `max_length` characters (then "…")."""
    cleaned = "".join(
        " " if unicodedata.category(character) in _BREAKING else character
        for character in _BIDI_CONTROLS.sub("", text)
    )
    line = " ".join(cleaned.split())
    if len(line) <= max_length:
        return line
    return line[: max_length - 1].rstrip() + "…"
