"""The service's shape: routes in the `routes` package, business modules that know nothing of HTTP."""

from __future__ import annotations

import ast
from pathlib import Path

import services.auditions

ROOT = Path(services.auditions.__file__).parent
# The modules allowed to know the web framework: the app, its dependencies and its routes.
WEB = {"app.py", "dependencies.py"}


def _imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_domain_modules_import_neither_fastapi_nor_starlette() -> None:
    domain = [
        path
        for path in ROOT.rglob("*.py")
        if path.name not in WEB and "routes" not in path.relative_to(ROOT).parts
    ]
    assert domain
    offenders = sorted(
        str(path.relative_to(ROOT)) for path in domain if _imported(path) & {"fastapi", "starlette"}
    )
    assert offenders == []


def test_routes_live_in_the_routes_package_only() -> None:
    assert not list(ROOT.glob("routes*.py"))
    assert (ROOT / "routes" / "__init__.py").exists()
