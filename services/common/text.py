"""Input text rules every service applies: no NUL character.

PostgreSQL cannot store U+0000 in text and SQLite would keep it silently; refusing it at
validation gives the same 422 on both backends.
"""

from __future__ import annotations

from typing import Any

from pydantic import field_validator
from sqlmodel import SQLModel

NUL = "\x00"


def refuse_nul(value: Any) -> Any:
    """A pydantic validator: a string holding NUL is invalid."""
    if isinstance(value, str) and NUL in value:
        raise ValueError("le texte contient un caractère nul (U+0000)")
    return value


class InputModel(SQLModel):
    """Base of the shapes clients send: every text field refuses NUL."""

    _no_nul = field_validator("*", mode="after")(refuse_nul)
