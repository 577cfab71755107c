"""Caches of what was read from one database, held per engine.

A value cached by row id is only true of the database it was read from. A process that opens
several databases one after the other (the tests empty theirs between two tests, and SQLite then
hands out the same ids again) would otherwise serve one database's questionnaire for another's
row of the same number. Each cache is therefore kept per engine, and goes away with it.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

from sqlalchemy import Connection, Engine

Cache = TypeVar("Cache")


class PerDatabase(Generic[Cache]):
    """One cache (a dict, an OrderedDict…) for each engine that asks for it."""

    def __init__(self, new: Callable[[], Cache]) -> None:
        self._new = new
        self._caches: weakref.WeakKeyDictionary[Engine, Cache] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def of(self, connection: Connection) -> Cache:
        with self._lock:
            cache = self._caches.get(connection.engine)
            if cache is None:
                cache = self._caches[connection.engine] = self._new()
            return cache

    def clear(self) -> None:
        with self._lock:
            self._caches.clear()
