"""The legal texts the documents are prepared from, as data (`law/*.json`, each checked against
its `law/*.schema.json` in a test): the FRIA's elements and the Charter's rights (Art. 27), the
fields of the EU database (Annex VIII, Section C), the CRPA's explicit mention, the DPIA
screening's criteria. The modules beside this one read them; none carries a text of its own."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any, Literal

LAW = Path(__file__).with_name("law")

Name = Literal["fria", "registration", "mention", "dpia"]
NAMES: tuple[Name, ...] = ("fria", "registration", "mention", "dpia")


def data_file(name: Name) -> Path:
    return LAW / f"{name}.json"


def schema_file(name: Name) -> Path:
    return LAW / f"{name}.schema.json"


@cache
def load(name: Name) -> dict[str, Any]:
    """One reference document, read once per process."""
    with data_file(name).open(encoding="utf-8") as handle:
        document: dict[str, Any] = json.load(handle)
    return document
