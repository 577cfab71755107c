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

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from services.common.errors import ProblemError

_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_BMP_REFUSED = f"{_CONTROLS}\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
# Multi-line text (a JSON body, a form) may hold tabs and line breaks; a single line may not.
# The non-characters of planes 1-16 (U+1FFFE, U+1FFFF ... U+10FFFF) are matched as one range and
# sorted out after: listed one by one in a character class, they make every search ten times slower.
_INVALID_MULTILINE = re.compile(f"[{_BMP_REFUSED}\U0001fffe-\U0010ffff]")
_INVALID_LINE = re.compile(f"[\t\n\r{_BMP_REFUSED}\U0001fffe-\U0010ffff]")

# The same characters as raw UTF-8 bytes, for a scan that needs no decoding. Each pattern starts
# with a fixed byte, which `re` finds fast; the controls are found by `bytes.translate`.
_NOT_CONTROL_BYTES = bytes(
    sorted(set(range(256)) - {*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F})
)
_RAW_REFUSED = (
    re.compile(rb"\xc2[\x80-\x9f]"),  # C1 controls
    re.compile(rb"\xed[\xa0-\xbf]"),  # surrogates (not UTF-8 at all)
    re.compile(rb"\xef(?:\xb7[\x90-\xaf]|\xbf[\xbe\xbf])"),  # U+FDD0-U+FDEF, U+FFFE, U+FFFF
)
_RAW_PLANE_END = re.compile(rb"[\xf0-\xf4][\x8f\x9f\xaf\xbf]\xbf[\xbe\xbf]")

# In a JSON body, a refused character can hide behind an escape: \b, \f, \u of a control, a
# surrogate (a pair too: the slow path sorts them out) or a non-character, and a line break in a
# key (a string followed by ":"). From a line break, the key part only runs to the next one, so
# the scan stays linear.
_SUSPECT_ESCAPE = re.compile(
    rb"\\(?:[bf]"
    rb"|u(?:00(?:0[0-8bcefBCEF]|1[0-9a-fA-F]|7[fF]|[89][0-9a-fA-F])|[dD][89a-fA-F]"
    rb"|[fF](?:[dD][dDeE]|[fF]{2}[eEfF]))"
    rb'|(?:[nrt]|u000[9aAdD])[^"\\]*+(?:\\(?![nrt]|u000[9aAdD]).[^"\\]*+)*+"\s*+:)'
)


@dataclass(frozen=True)
class InvalidText:
    """Where a refused character was found, and a message a person can act on."""

    loc: tuple[str | int, ...]
    message: str
    kind: str = "invalid_text"

    def as_error(self) -> dict[str, Any]:
        return {"loc": list(self.loc), "msg": self.message, "type": self.kind}


def _describe(character: str) -> str:
    code = ord(character)
    if 0xD800 <= code <= 0xDFFF:
        kind = "une moitié de paire de substitution UTF-16 isolée"
    elif code < 0x20 or 0x7F <= code <= 0x9F:
        kind = "un caractère de contrôle"
    else:
        kind = "un non-caractère Unicode"
    return f"Texte invalide : {kind} (U+{code:04X}) n'est pas admis."


def _is_refused(character: str) -> bool:
    return ord(character) < 0x1FFFE or ord(character) & 0xFFFE == 0xFFFE


def refused_character(text: str, *, multiline: bool) -> str | None:
    """The message for the first refused character of `text`, or None when it is valid."""
    pattern = _INVALID_MULTILINE if multiline else _INVALID_LINE
    for found in pattern.finditer(text):
        if _is_refused(found.group()):
            return _describe(found.group())
    return None


def utf8_may_hold_refused(data: bytes) -> bool:
    """Whether UTF-8 `data` may hold a refused character of multi-line text (or is not UTF-8
    in a way that hides one); False means that it surely holds none. A fast scan of the bytes."""
    if data.translate(None, _NOT_CONTROL_BYTES):
        return True
    if data.isascii():
        return False
    return any(pattern.search(data) for pattern in _RAW_REFUSED) or (
        any(lead in data for lead in (b"\xf0", b"\xf1", b"\xf2", b"\xf3", b"\xf4"))
        and _RAW_PLANE_END.search(data) is not None
    )


def shown(text: str) -> str:
    """`text` with its refused characters written as escapes, safe to send back in an error."""
    return _INVALID_LINE.sub(
        lambda found: (
            f"\\u{ord(found.group()):04x}" if _is_refused(found.group()) else found.group()
        ),
        text,
    )


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


# In stored JSON, a lone surrogate can only be an escape (a driver cannot encode one raw); the
# escapes of a valid pair (SQLAlchemy writes emoji so) match too, and are sorted out after loading.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE_ESCAPE_BYTES = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def load_stored_json(stored: str | bytes) -> Any:
    """A JSON value read from the database, any lone surrogate in its strings replaced by U+FFFD
    (the engine's `json_deserializer`): such a value, stored before text was checked at the
    edge, can be neither encoded as UTF-8 nor serialised by a response."""
    value = json.loads(stored)
    pattern = _SURROGATE_ESCAPE if isinstance(stored, str) else _SURROGATE_ESCAPE_BYTES
    if pattern.search(stored) is None:  # type: ignore[arg-type]
        return value
    return _without_surrogates(value)


def _without_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_without_surrogates(key): _without_surrogates(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_surrogates(item) for item in value]
    return value


def invalid_json_text(raw: bytes, loc: tuple[str | int, ...]) -> list[InvalidText]:
    """Every string of a JSON document (keys included) holding a refused character, under
    `loc`. Most documents are cleared by a scan of their bytes; only a suspect one is parsed."""
    if not utf8_may_hold_refused(raw) and (b"\\" not in raw or _SUSPECT_ESCAPE.search(raw) is None):
        return []
    try:
        parsed = json.loads(raw)
    except ValueError:
        return []  # not JSON, or not UTF-8: the reader's own parsing says so
    return list(invalid_strings(parsed, loc))


class TextRefused(ProblemError):
    """Text that is not valid, found past the edge (in an uploaded file): 422, naming where."""

    status = 422
    slug = "validation-error"

    def __init__(self, errors: list[InvalidText]) -> None:
        super().__init__(
            errors[0].message, extra={"errors": [error.as_error() for error in errors[:20]]}
        )
