"""The published JSON Schema of a fiche: what a contributor writes, and what the open data adds.

One schema serves both readers. The fiche's own fields (`fiche.UseCaseFields`) are what a
contributor may send; the fields the catalogue adds to each open-data record (identifier,
dates, the porteur as the territories reference names it) are marked `readOnly` (JSON Schema
2020-12, §9.4 of the validation vocabulary: managed by the catalogue, refused in a request).
Each item of the JSON export validates against it, with format checking (a test runs
jsonschema on every item of the demo); the types of the XLSX cells are read from it too.
"""

from __future__ import annotations

from typing import Any, Final

from services.catalogue import fiche, vocabularies
from services.catalogue.models import UseCaseStatus

SCHEMA_ID = "https://intelligences-territoires.fr/schema/use-case.json"

_NULLABLE_TEXT: Final = {"type": ["string", "null"]}
_DATE_TIME: Final = {"type": "string", "format": "date-time"}

# What an open-data record holds besides the fiche's fields, in the export's column order.
RECORD_PROPERTIES: Final[dict[str, dict[str, Any]]] = {
    "id": {"type": "integer", "minimum": 1, "description": "Identifiant stable de la fiche."},
    "slug": {"type": "string", "description": "Nom de la fiche dans les adresses."},
    "status": {
        "type": "string",
        "enum": [status.value for status in UseCaseStatus],
        "description": "Statut de modération (toujours « published » dans l'export).",
    },
    "published_at": {
        "anyOf": [_DATE_TIME, {"type": "null"}],
        "description": "Date de la dernière publication (UTC).",
    },
    "updated_at": {**_DATE_TIME, "description": "Date de la dernière modification (UTC)."},
    "is_demo": {"type": "boolean", "description": "Fiche de démonstration, fictive."},
    "local_authority_name": {
        **_NULLABLE_TEXT,
        "description": "Nom du porteur selon le référentiel des territoires.",
    },
    "siren": {
        "anyOf": [{"type": "string", "pattern": r"^\d{9}$"}, {"type": "null"}],
        "description": "SIREN du porteur (communes, EPCI, EPT, départements, régions).",
    },
    "insee_code": {
        "anyOf": [{"type": "string", "pattern": r"^[0-9][0-9AB][0-9]{0,3}$"}, {"type": "null"}],
        "description": "Code INSEE du porteur (commune, département, région ; aucun pour un EPCI).",
    },
    "region": {**_NULLABLE_TEXT, "description": "Code INSEE de la région du porteur."},
    "departement": {
        **_NULLABLE_TEXT,
        "description": "Code INSEE du département du porteur (aucun pour une région).",
    },
}
# The porteur's kind is a field of the fiche (a hint a contributor may give) that the record
# always fills, from the territories reference.
KIND_DESCRIPTION = (
    "Type du porteur : dans les données ouvertes, toujours celui du référentiel des territoires ; "
    "un contributeur peut le donner pour une région dont le code est aussi celui d'un "
    "département (53 : région Bretagne)."
)


def use_case_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of a fiche and of an item of the open-data exports."""
    schema = fiche.UseCaseFields.model_json_schema()
    properties = {
        **{name: {**spec, "readOnly": True} for name, spec in RECORD_PROPERTIES.items()},
        **schema["properties"],
    }
    properties["local_authority_kind"] = {
        **properties["local_authority_kind"],
        "description": KIND_DESCRIPTION,
        "enum": [*vocabularies.ALL["local_authority_kind"], None],
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "version": fiche.SCHEMA_VERSION,
        **schema,
        "title": "Fiche cas d'usage d'IA d'une collectivité",
        "description": "Ce qu'un contributeur écrit, et ce que les données ouvertes y ajoutent "
        "(champs en lecture seule : à ne pas envoyer).",
        "properties": properties,
        "x-required-to-publish": list(fiche.QUICK_PUBLICATION),
    }


def column_kinds(properties: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Each property's kind of value, as a spreadsheet cell holds it: integer, number,
    boolean, date-time, array or text."""
    return {name: _kind(spec) for name, spec in properties.items()}


def _kind(spec: dict[str, Any]) -> str:
    for option in spec.get("anyOf", [spec]):
        if option.get("format") == "date-time":
            return "date-time"
        types = option.get("type")
        for kind in types if isinstance(types, list) else [types]:
            if kind in ("integer", "number", "boolean", "array"):
                return str(kind)
    return "text"
