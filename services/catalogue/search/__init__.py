"""The catalogue's search: French analysis (`services.catalogue.french_text`, synonyms in
`synonyms.json`), the index in the database (`index`), queries with typos (`query`), matching,
ranking and facets in SQL (`engine`), why a result was found (`explain`) and the fiches that
resemble one (`similar`)."""

from services.catalogue.search.engine import (
    FACETS,
    SearchResult,
    Sort,
    facet_label,
    matching,
    search,
    suggestions,
)

__all__ = ["FACETS", "SearchResult", "Sort", "facet_label", "matching", "search", "suggestions"]
