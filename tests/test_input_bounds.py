"""Every input the three services document is bounded (issue 17, class 5): each string has a
maximum length (or is an enumeration, a date, or an uploaded file, which its route's body
limit bounds), each array a maximum number of items, each free-keyed object a maximum number of keys.
Walks the request bodies and parameters of every operation of the three OpenAPI documents.
Values typed `Any` (an answer, an expression tree) are bounded by their object's key count,
the body limit and the nesting limit at the edge (services.common.json_limits)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import SecretStr

from services.common.settings import AuthSettings
from tests.conftest import SERVICES

BOUNDED_FORMATS = {"binary", "date", "date-time", "time", "uuid"}


def unbounded(document: dict[str, Any]) -> list[str]:
    found: list[str] = []
    seen: set[str] = set()

    def walk(schema: dict[str, Any], where: str, enumerated: bool = False) -> None:
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                seen.add(name)
                walk(document["components"]["schemas"][name], name)
            return
        enumerated = enumerated or "enum" in schema or "const" in schema
        for key in ("anyOf", "oneOf", "allOf"):
            for sub in schema.get(key, []):
                walk(sub, where, enumerated)
        kind = schema.get("type")
        if kind == "string" and not (
            enumerated
            or "maxLength" in schema
            or schema.get("format") in BOUNDED_FORMATS
            or "contentMediaType" in schema  # an uploaded file: its route's body limit
        ):
            found.append(f"{where}: texte sans maxLength")
        if kind == "array":
            if "maxItems" not in schema:
                found.append(f"{where}: liste sans maxItems")
            items = schema.get("items", {})
            walk(items, f"{where}[]", "enum" in items)
        for name, sub in schema.get("properties", {}).items():
            walk(sub, f"{where}.{name}")
        free = [
            *schema.get("patternProperties", {}).values(),
            *(
                [schema["additionalProperties"]]
                if isinstance(schema.get("additionalProperties"), dict)
                else []
            ),
        ]
        if (free or schema.get("additionalProperties") is True) and "maxProperties" not in schema:
            found.append(f"{where}: objet sans maxProperties")
        for sub in free:
            walk(sub, f"{where}.*")

    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            here = f"{method.upper()} {path}"
            for media in operation.get("requestBody", {}).get("content", {}).values():
                walk(media.get("schema", {}), f"{here} corps")
            for parameter in operation.get("parameters", []):
                walk(parameter.get("schema", {}), f"{here} {parameter['in']} {parameter['name']}")
    return found


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_documented_input_is_bounded(name: str, tmp_path: Any) -> None:
    create_app, settings_class = SERVICES[name]
    settings = settings_class.model_validate(
        {
            "database_url": f"sqlite:///{tmp_path / name}.db",
            "auth": AuthSettings(
                database_url=f"sqlite:///{tmp_path}/accounts.db", secret_key=SecretStr("k" * 40)
            ),
        }
    )
    assert unbounded(create_app(settings).openapi()) == []
