"""The catalogue keeps the one shape of the services: HTTP only in its routes and dependencies."""

from __future__ import annotations

import ast
from pathlib import Path

import services.catalogue

ROOT = Path(services.catalogue.__file__).parent
# Where HTTP belongs: the application, the routes and their dependencies.
HTTP_MODULES = {"app.py", "dependencies.py"}


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def _domain_modules() -> list[Path]:
    return [
        path
        for path in ROOT.rglob("*.py")
        if path.relative_to(ROOT).parts[0] != "routes" and path.name not in HTTP_MODULES
    ]


def test_domain_and_schema_modules_know_nothing_of_http() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imported(path) & {"fastapi", "starlette"})
        for path in _domain_modules()
    }
    assert {name: found for name, found in offenders.items() if found} == {}
    assert len(offenders) > 10


def test_settings_reach_routes_only_through_their_dependency() -> None:
    readers = [
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*.py")
        if "state.settings" in path.read_text(encoding="utf-8")
    ]
    assert readers == []
