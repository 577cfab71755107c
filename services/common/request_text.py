"""Where text enters a request, read as the routes will read it, and checked with
services.common.valid_text: the path, the query, the headers, and JSON, urlencoded and
multipart bodies (field names, file names and text fields; the bytes of uploaded files are the
route's business).
"""

from __future__ import annotations

import codecs
import email.message
import re
from typing import TYPE_CHECKING, Literal
from urllib.parse import parse_qsl, unquote_to_bytes

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from services.common import json_limits
from services.common.valid_text import (
    InvalidText,
    invalid_json_text,
    refused_character,
    shown,
)

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

BodyKind = Literal["json", "form", "multipart"]

NOT_UTF8 = "Texte invalide : ce n'est pas de l'UTF-8."

_HEADER_CONTROLS = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")


def body_kind(content_type: str | None) -> BodyKind | None:
    """How FastAPI will read a body with this Content-Type: without one, as JSON."""
    if not content_type:
        return "json"
    message = email.message.Message()
    message["content-type"] = content_type
    main, sub = message.get_content_maintype(), message.get_content_subtype()
    if main == "application" and (sub == "json" or sub.endswith("+json")):
        return "json"
    if main == "application" and sub == "x-www-form-urlencoded":
        return "form"
    if main == "multipart" and sub == "form-data":
        return "multipart"
    return None


def path_errors(path: str, raw_path: bytes | None) -> list[InvalidText]:
    if raw_path is not None:
        try:
            unquote_to_bytes(raw_path).decode("utf-8")
        except UnicodeDecodeError:
            return [InvalidText(("path",), NOT_UTF8)]
    message = refused_character(path, multiline=False)
    return [] if message is None else [InvalidText(("path",), message)]


def header_errors(headers: list[tuple[bytes, bytes]]) -> list[InvalidText]:
    # Header values are bytes (Latin-1 at most): only their control characters are refused.
    errors = []
    for name, value in headers:
        found = _HEADER_CONTROLS.search(value)
        if found is not None:
            message = refused_character(found.group().decode("latin-1"), multiline=False)
            errors.append(InvalidText(("header", name.decode("latin-1")), str(message)))
    return errors


def pairs_errors(raw: bytes, where: str) -> list[InvalidText]:
    """The refused text of a query string or an urlencoded form (`a=1&b=2`), decoded as
    Starlette decodes them (raw bytes as Latin-1, %-escapes as UTF-8, here strictly)."""
    try:
        pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        return [InvalidText((where,), NOT_UTF8)]
    errors = []
    for name, value in pairs:
        for text, multiline in ((name, False), (value, where == "body")):
            message = refused_character(text, multiline=multiline)
            if message is not None:
                errors.append(InvalidText((where, shown(name)), message))
    return errors


def json_errors(body: bytes) -> list[InvalidText]:
    """Every string of a JSON body (keys included) holding a refused character; or the body
    nesting too deep for the parsers (services.common.json_limits), checked first."""
    if json_limits.too_deep(body):
        return [InvalidText(("body",), json_limits.too_deep_message(), kind="json_too_deep")]
    return invalid_json_text(body, ("body",))


def multipart_errors(body: bytes, content_type: str) -> list[InvalidText]:
    """Field names, file names and text fields of a multipart form (not the files' bytes)."""
    _, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    charset = params.get(b"charset", b"utf-8").decode("latin-1")
    if not boundary:
        return []  # the route's parser refuses it
    try:
        charset = codecs.lookup(charset).name
    except LookupError:
        charset = "latin-1"
    reader = _PartsReader(charset)
    try:
        parser = MultipartParser(boundary, reader.callbacks())
        parser.write(body)
        parser.finalize()
    except FormParserError:
        return []
    return reader.errors


class _PartsReader:
    """Callbacks of python-multipart's parser: keeps the headers and the text fields."""

    def __init__(self, charset: str) -> None:
        self.charset = charset
        self.errors: list[InvalidText] = []
        self._header_name = b""
        self._header_value = b""
        self._disposition = b""
        self._data = bytearray()
        self._name = ""
        self._is_file = False

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self._begin,
            "on_header_field": self._header_field,
            "on_header_value": self._header_value_part,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
        }

    def _begin(self) -> None:
        self._disposition, self._data, self._is_file = b"", bytearray(), False

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def _header_value_part(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _header_end(self) -> None:
        if self._header_name.lower() == b"content-disposition":
            self._disposition = self._header_value
        self._header_name, self._header_value = b"", b""

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        self._name = self._text(options.get(b"name", b""), ("body",), multiline=False) or ""
        self._is_file = b"filename" in options
        if self._is_file:
            self._text(options[b"filename"], ("body", shown(self._name), "filename"), False)

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if not self._is_file:
            self._data += data[start:end]

    def _part_end(self) -> None:
        if not self._is_file:
            self._text(bytes(self._data), ("body", shown(self._name)), multiline=True)

    def _text(self, raw: bytes, loc: tuple[str | int, ...], multiline: bool) -> str | None:
        try:
            text = raw.decode(self.charset)
        except UnicodeDecodeError:
            self.errors.append(InvalidText(loc, NOT_UTF8))
            return None
        message = refused_character(text, multiline=multiline)
        if message is not None:
            self.errors.append(
                InvalidText(loc if loc != ("body",) else (*loc, shown(text)), message)
            )
        return text
