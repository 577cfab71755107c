"""The front end's copy of the coded fields' declaration: frontend/src/catalogue/coded-fields.ts.

Regenerate it with `python -m services.catalogue.vocabularies > frontend/src/catalogue/coded-fields.ts`;
tests/catalogue/test_vocabularies.py fails when the file drifts from the declaration.
"""

from __future__ import annotations

import json

from services.catalogue.vocabularies import FACETS_SHOWN, FIELDS, facet_title


def frontend_module() -> str:
    """The front end's copy of the declaration (frontend/src/catalogue/coded-fields.ts)."""
    fields = {
        f.name: {"kind": f.kind, "label": f.label, "facet": f.facet, "vocabulary": f.name}
        for f in FIELDS
    }
    facets = [[name, facet_title(name)] for name in FACETS_SHOWN]
    return (
        "// Generated from services/catalogue/vocabularies.py: do not edit.\n"
        "// python -m services.catalogue.vocabularies > frontend/src/catalogue/coded-fields.ts\n"
        "// (tests/catalogue/test_vocabularies.py fails when this file drifts.)\n\n"
        'export type CodedKind = "code" | "codes" | "boolean" | "derived";\n\n'
        "export interface CodedField {\n"
        "  readonly kind: CodedKind;\n"
        "  readonly label: string;\n"
        "  readonly facet: string;\n"
        "  readonly vocabulary: string;\n"
        "}\n\n"
        "/** The coded fields of a fiche; codes and their labels come from GET /vocabularies. */\n"
        "export const CODED_FIELDS: Readonly<Record<string, CodedField>> = "
        f"{json.dumps(fields, ensure_ascii=False, indent=2)};\n\n"
        "/** The facets of the search page, in the order shown, with their titles. */\n"
        "export const FACETS: readonly (readonly [string, string])[] = "
        f"{json.dumps(facets, ensure_ascii=False, indent=2)};\n"
    )
