"""Services stay apart: each owns its metadata, and none imports another's code."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest
from sqlmodel import SQLModel

from services.auditions.models import AuditionsModel
from services.catalogue.models import CatalogueModel
from services.common.auth.models import AccountsModel
from services.survey.models import SurveyModel

ROOT = Path(__file__).resolve().parents[2]
SERVICES_DIR = ROOT / "services"
SERVICE_PACKAGES = ("catalogue", "survey", "auditions")
COMPOSITION_ROOT = SERVICES_DIR / "databases.py"

# Tables that `services.common` builds into a service's own metadata (mail outbox, audit log).
COMMON_TABLES = {"outbox", "audit_log"}

# database -> (abstract base, package whose modules declare its tables, tables known today)
BASES: dict[str, tuple[type[SQLModel], str, set[str]]] = {
    "catalogue": (CatalogueModel, "services.catalogue", {"use_case", "use_case_version", "outbox"}),
    "survey": (
        SurveyModel,
        "services.survey",
        {
            "campaign",
            "outbox",
            "questionnaire",
            "invitation",
            "invitation_link",
            "answer",
            "answer_event",
        },
    ),
    "auditions": (
        AuditionsModel,
        "services.auditions",
        {
            "event",
            "outbox",
            "room",
            "theme",
            "panel_member",
            "actor",
            "contact",
            "invitation",
            "hearing",
            "release",
            "minutes",
            "hearing_attachment",
        },
    ),
    "accounts": (
        AccountsModel,
        "services.common.auth",
        {"staff_account", "api_token", "login_attempt"},
    ),
}


def _package_dir(package: str) -> Path:
    return ROOT.joinpath(*package.split("."))


def _import_whole_package(package: str) -> None:
    """Import every module of `package`, so that all its tables are registered."""
    module = importlib.import_module(package)
    for info in pkgutil.walk_packages(module.__path__, prefix=f"{package}."):
        importlib.import_module(info.name)


def _class_keywords(tree: ast.Module) -> dict[str, set[str]]:
    """Class name -> keywords of its definition (`registry`, `table`)."""
    return {
        node.name: {keyword.arg for keyword in node.keywords if keyword.arg}
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
    }


def _declared_tables(package: str) -> set[str]:
    """The `__tablename__` values written in the source files of `package`."""
    names: set[str] = set()
    for path in _package_dir(package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "__tablename__" for t in node.targets)
                and isinstance(node.value, ast.Constant)
            ):
                names.add(str(node.value.value))
    return names


@pytest.mark.parametrize("database", sorted(BASES))
def test_each_metadata_holds_only_its_own_tables(database: str) -> None:
    base, package, known = BASES[database]
    _import_whole_package(package)

    tables = set(base.metadata.tables)

    assert known <= tables
    assert tables - COMMON_TABLES == _declared_tables(package)
    assert base.metadata is not SQLModel.metadata
    assert not tables & set(SQLModel.metadata.tables)


def test_the_four_metadata_objects_are_distinct() -> None:
    metadata_ids = {id(base.metadata) for base, _, _ in BASES.values()}
    assert len(metadata_ids) == len(BASES)


@pytest.mark.parametrize("database", sorted(BASES))
def test_table_classes_use_their_service_base_registry(database: str) -> None:
    base, package, _ = BASES[database]
    _import_whole_package(package)
    mapped = [mapper.class_ for mapper in base._sa_registry.mappers]

    assert mapped, f"{database}: aucune table enregistrée"
    for table_class in mapped:
        assert issubclass(table_class, base)
        assert table_class.metadata is base.metadata
        assert table_class.__table__.metadata is base.metadata  # type: ignore[attr-defined]


@pytest.mark.parametrize("database", sorted(BASES))
def test_registry_keyword_is_only_on_the_abstract_base(database: str) -> None:
    base, package, _ = BASES[database]
    with_registry: list[str] = []
    tables_with_registry: list[str] = []
    for path in _package_dir(package).rglob("*.py"):
        for name, keywords in _class_keywords(ast.parse(path.read_text(encoding="utf-8"))).items():
            if "registry" in keywords:
                with_registry.append(name)
                if "table" in keywords:
                    tables_with_registry.append(name)

    assert with_registry == [base.__name__]
    assert tables_with_registry == []
    assert not hasattr(base, "__table__")


# --- imports ---------------------------------------------------------------------------------


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, *, module: str) -> set[str]:
    """Absolute names of the modules that the file of `module` at `path` imports."""
    is_package = path.name == "__init__.py"
    package_parts = module.split(".") if is_package else module.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = package_parts[: len(package_parts) - node.level + 1]
                base = ".".join([*anchor, node.module] if node.module else anchor)
            else:
                base = node.module or ""
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _violations(folder: Path, forbidden: tuple[str, ...]) -> list[str]:
    problems = []
    for path in sorted(folder.rglob("*.py")):
        for name in sorted(imported_modules(path, module=_module_name(path))):
            if any(name == prefix or name.startswith(prefix + ".") for prefix in forbidden):
                problems.append(f"{path.relative_to(ROOT)} importe {name}")
    return problems


def test_the_three_services_are_found() -> None:
    packages = {p.parent.name for p in SERVICES_DIR.glob("*/__init__.py")}
    assert {*SERVICE_PACKAGES, "common"} <= packages


@pytest.mark.parametrize("service", SERVICE_PACKAGES)
def test_a_service_does_not_import_another_service(service: str) -> None:
    others = tuple(f"services.{other}" for other in SERVICE_PACKAGES if other != service)
    folder = SERVICES_DIR / service

    # The scan sees the service's real imports (it relies on the shared kernel).
    assert any(
        name.startswith("services.common")
        for path in folder.rglob("*.py")
        for name in imported_modules(path, module=_module_name(path))
    )
    assert _violations(folder, others) == []


def test_common_imports_no_service_package() -> None:
    services = tuple(f"services.{service}" for service in SERVICE_PACKAGES)
    assert _violations(SERVICES_DIR / "common", services) == []


def test_only_the_composition_root_knows_every_service() -> None:
    knowing_several = set()
    for path in sorted(SERVICES_DIR.rglob("*.py")):
        names = imported_modules(path, module=_module_name(path))
        known = {s for s in SERVICE_PACKAGES if any(n.startswith(f"services.{s}") for n in names)}
        if len(known) > 1:
            knowing_several.add(path)
    assert knowing_several == {COMPOSITION_ROOT}


def test_the_import_scan_catches_absolute_and_relative_imports(tmp_path: Path) -> None:
    module = tmp_path / "routes.py"
    module.write_text(
        "import services.survey.models\n"
        "from services.auditions import seed\n"
        "from ..catalogue.models import UseCase\n"
        "from . import search\n",
        encoding="utf-8",
    )

    names = imported_modules(module, module="services.survey.routes")

    assert {
        "services.survey.models",
        "services.auditions",
        "services.auditions.seed",
        "services.catalogue.models",
        "services.catalogue.models.UseCase",
        "services.survey",
        "services.survey.search",
    } <= names
