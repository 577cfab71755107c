"""The three services have one shape (README, "Architecture"): what is learnt in one carries to
the next. Each rule is checked on the source, so a new module that breaks it fails here."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SERVICES_DIR = Path(__file__).resolve().parents[1] / "services"
SERVICES = ("catalogue", "survey", "auditions")
# The only places of a service that speak HTTP.
HTTP_MODULES = ("app.py", "dependencies.py")
HTTP_PACKAGES = ("routes",)
HTTP_LIBRARIES = ("fastapi", "starlette")


def _modules(service: str) -> Iterator[Path]:
    yield from sorted((SERVICES_DIR / service).rglob("*.py"))


def _relative(path: Path, service: str) -> Path:
    return path.relative_to(SERVICES_DIR / service)


def _speaks_http(path: Path, service: str) -> bool:
    relative = _relative(path, service)
    return str(relative) in HTTP_MODULES or relative.parts[0] in HTTP_PACKAGES


def _imported(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def _calls(path: Path, attribute: str) -> Iterator[int]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == attribute
        ):
            yield node.lineno


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_has_the_same_modules(service: str) -> None:
    folder = SERVICES_DIR / service
    for name in ("app.py", "settings.py", "models.py", "dependencies.py", "seed.py"):
        assert (folder / name).is_file(), f"{service}/{name}"
    assert (folder / "schemas.py").is_file() or (folder / "schemas" / "__init__.py").is_file()
    assert (folder / "routes" / "__init__.py").is_file()
    assert not list(folder.glob("routes_*.py")), "routes live in the routes/ package"
    assert not (folder / "routes.py").exists()
    assert len(list(_modules(service))) > 10  # the scans below do see the service's modules


@pytest.mark.parametrize("service", SERVICES)
def test_business_modules_know_nothing_of_http(service: str) -> None:
    speaking = [
        str(_relative(path, service))
        for path in _modules(service)
        if not _speaks_http(path, service)
        and any(name.split(".")[0] in HTTP_LIBRARIES for name in _imported(path))
    ]
    assert speaking == []


@pytest.mark.parametrize("service", SERVICES)
def test_routes_never_commit_the_session(service: str) -> None:
    # The session dependency (services.common.database.get_session) commits or rolls back.
    committing = [
        f"{_relative(path, service)}:{line}"
        for path in _modules(service)
        if _speaks_http(path, service)
        for line in _calls(path, "commit")
    ]
    assert committing == []


@pytest.mark.parametrize("service", SERVICES)
def test_routes_read_settings_through_the_typed_dependency(service: str) -> None:
    untyped = [
        str(_relative(path, service))
        for path in _modules(service)
        if "app.state.settings" in path.read_text(encoding="utf-8")
    ]
    assert untyped == []


@pytest.mark.parametrize("service", SERVICES)
def test_private_links_are_made_by_the_kernel_only(service: str) -> None:
    # services.common.private_links issues, hashes and looks up every e-mailed link.
    own = [
        str(_relative(path, service))
        for path in _modules(service)
        if "hashlib" in set(_imported(path)) or "token_urlsafe(" in path.read_text(encoding="utf-8")
    ]
    assert own == []


def test_the_layout_rules_see_a_violation(tmp_path: Path) -> None:
    module = tmp_path / "stray.py"
    module.write_text("from fastapi import Request\nsession.commit()\n", encoding="utf-8")

    assert "fastapi" in set(_imported(module))
    assert list(_calls(module, "commit")) == [2]
