"""What counts as text: the characters refused wherever text enters a service.

A JSON string may hold a lone UTF-16 surrogate (`"\\ud800"`), a NUL or another control
character; once stored, such a value cannot be encoded as UTF-8 and breaks every page and
export that shows it. So text is checked at the edge (services.common.middleware) and refused
with a 422 that names the field and the character, before anything is saved:
- lone surrogates (U+D800–U+DFFF), which are not characters at all;
- C0 controls and DEL, except tab, line feed and carriage return in the body (free text
  may span lines), and C1 controls (U+0080–U+009F);
- Unicode non-characters (U+FDD0–U+FDEF and the last two code points of every plane).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
# Multi-line text (a JSON body, a form) may hold tabs and line breaks; a single line may not.
_INVALID_MULTILINE = re.compile(f"[{_CONTROLS}\ud800-\udfff{_NONCHARACTERS}]")
_INVALID_LINE = re.compile(f"[\t\n\r{_CONTROLS}\ud800-\udfff{_NONCHARACTERS}]")


@dataclass(frozen=True)
class InvalidText:
    """Where a refused character was found, and a message a person can act on."""

    loc: tuple[str | int, ...]
    message: str

    def as_error(self) -> dict[str, Any]:
        return {"loc": list(self.loc), "msg": self.message, "type": "invalid_text"}


def _describe(character: str) -> str:
    code = ord(character)
    if 0xD800 <= code <= 0xDFFF:
        kind = "une moitié de paire de substitution UTF-16 isolée"
    elif code < 0x20 or 0x7F <= code <= 0x9F:
        kind = "un caractère de contrôle"
    else:
        kind = "un non-caractère Unicode"
    return f"Texte invalide : {kind} (U+{code:04X}) n'est pas admis."


def refused_character(text: str, *, multiline: bool) -> str | None:
    """The message for the first refused character of `text`, or None when it is valid."""
    pattern = _INVALID_MULTILINE if multiline else _INVALID_LINE
    found = pattern.search(text)
    return None if found is None else _describe(found.group())


def shown(text: str) -> str:
    """`text` with its refused characters written as escapes, safe to send back in an error."""
    return _INVALID_LINE.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def invalid_strings(
    value: Any, loc: tuple[str | int, ...], *, multiline: bool = True
) -> Iterator[InvalidText]:
    """Every string of a parsed JSON value (keys included) that holds a refused character."""
    if isinstance(value, str):
        message = refused_character(value, multiline=multiline)
        if message is not None:
            yield InvalidText(loc, message)
    elif isinstance(value, dict):
        for key, item in value.items():
            message = refused_character(key, multiline=False)
            if message is not None:
                yield InvalidText((*loc, shown(key)), message)
            yield from invalid_strings(item, (*loc, shown(key)), multiline=multiline)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from invalid_strings(item, (*loc, index), multiline=multiline)
