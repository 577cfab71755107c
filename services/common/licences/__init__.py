"""The licence of the open data, read from its data file (`licence-ouverte-2.0.json`).

Every open-data download of the services (the catalogue's exports, the observatory's results,
the catalogue's DCAT description) states this licence from here: its name, version and address
are data, kept with their source in one file, never literals in the code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files


@dataclass(frozen=True)
class Licence:
    id: str
    name: str
    version: str
    title: str
    url: str
    text_url: str
    spdx_id: str
    spdx_url: str
    publisher: str
    issued: str
    attribution: str
    source: str

    def link_header(self) -> dict[str, str]:
        """The HTTP header naming the licence of a response (RFC 8288, relation RFC 4946)."""
        return {"Link": f'<{self.url}>; rel="license"'}

    def fields(self) -> dict[str, str]:
        """The licence as the JSON downloads state it, beside their items."""
        return {"licence": self.title, "licence_version": self.version, "licence_url": self.url}


@cache
def open_licence() -> Licence:
    """The Licence Ouverte 2.0 (Etalab), under which every open-data download is published."""
    text = files(__package__).joinpath("licence-ouverte-2.0.json").read_text(encoding="utf-8")
    return Licence(**json.loads(text))
