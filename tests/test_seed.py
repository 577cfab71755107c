"""The demo data is coherent with the territories reference."""

from __future__ import annotations

from services.catalogue.seed import DEMO_USE_CASES
from services.common.territories.search import get_index


def test_every_demo_local_authority_exists_in_the_reference() -> None:
    index = get_index()
    for _slug, _title, _summary, _theme, code, name, _published in DEMO_USE_CASES:
        territory = index.lookup(code)
        assert territory is not None, code
        assert territory.name == name
