"""The nesting check on the bytes of a JSON document (services.common.json_limits)."""

from __future__ import annotations

import json

import pytest

from services.common.json_limits import MAX_DEPTH, too_deep


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (nested(MAX_DEPTH), False),
        (nested(MAX_DEPTH + 1), True),
        (b'{"a":' * (MAX_DEPTH + 1) + b"1" + b"}" * (MAX_DEPTH + 1), True),
        (b"[" * 100_000, True),  # left open: the parser recurses before it sees the end
        (json.dumps({"texte": "[" * 1000 + "{" * 1000}).encode(), False),  # brackets in a string
        (json.dumps({"texte": '\\"' + "[" * 100}).encode(), False),  # an escaped quote
        (json.dumps([{"a": [i]} for i in range(10_000)]).encode(), False),  # wide, not deep
        (b"]" * 100 + b"[" * 10, False),  # malformed, shallow: the parser's to refuse
        (b"", False),
    ],
)
def test_nesting_is_measured_on_the_bytes(document: bytes, expected: bool) -> None:
    assert too_deep(document) is expected


def test_what_passes_the_check_parses() -> None:
    """The limit leaves Python's parser (and pydantic) far from their recursion limits."""
    assert json.loads(nested(MAX_DEPTH)) is not None
    with pytest.raises(RecursionError):
        json.loads(nested(200_000))
