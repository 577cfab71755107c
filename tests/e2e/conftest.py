"""Real-browser tests: the real stack (three APIs on SQLite, the built front end) and Chromium.

The stack is started once per session in a temporary folder, on free ports, the way `make up`
starts it: `iat-admin migrate`, `iat-admin seed`, three uvicorn processes. The built front end
is served from a copy of `frontend/dist` whose `config.json` points at them, by a small static
server that sends the production security headers (static_server.py), so a page that breaks
the Content-Security-Policy fails its test. Everything is
stopped at the end.

Without Chromium (/usr/bin/chromium, or CHROMIUM_PATH) the tests are skipped, unless
REQUIRE_BROWSER=1 (CI), where a missing browser is a failure.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page

from .csp import watch_violations
from .support import AXE_SCRIPT, FRONTEND, Stack

ROOT = Path(__file__).resolve().parents[2]
DIST = FRONTEND / "dist"
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
# The venv's own bin folder: iat-admin and uvicorn live next to the running Python.
BIN = Path(sys.executable).parent

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

SERVICES = ("catalogue", "survey", "auditions")
# A machine busy with other work may need longer (E2E_STARTUP_TIMEOUT_S).
STARTUP_TIMEOUT_S = float(os.environ.get("E2E_STARTUP_TIMEOUT_S", "45"))
BUILD_TIMEOUT_S = 600.0
DEFAULT_TIMEOUT_MS = 15_000

E2E_DIR = Path(__file__).resolve().parent


def _browser_required() -> bool:
    return os.environ.get("REQUIRE_BROWSER") == "1"


def _missing_browser_reason() -> str:
    return f"Chromium introuvable à {CHROMIUM} (apt-get install -y chromium)"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the browser tests when Chromium is missing, unless REQUIRE_BROWSER=1.

    Under pytest-xdist (`make test`), the browser tests all run on one worker: they share one
    running stack (`stack`), which is worth starting once."""
    for item in items:
        if item.path.is_relative_to(E2E_DIR):
            item.add_marker(pytest.mark.xdist_group("browser"))
    if CHROMIUM.exists() or _browser_required():
        return
    skip = pytest.mark.skip(reason=_missing_browser_reason())
    for item in items:
        if item.path.is_relative_to(E2E_DIR):
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def _require_chromium() -> None:
    """With REQUIRE_BROWSER=1 a missing Chromium fails the tests instead of skipping them."""
    if not CHROMIUM.exists():
        message = _missing_browser_reason()
        if _browser_required():
            pytest.fail(f"REQUIRE_BROWSER=1 : {message}", pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "fr-FR", "timezone_id": "Europe/Paris"}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _newest_mtime(paths: list[Path]) -> float:
    newest = 0.0
    for path in paths:
        files = path.rglob("*") if path.is_dir() else [path]
        for file in files:
            if file.is_file():
                newest = max(newest, file.stat().st_mtime)
    return newest


def _frontend_sources() -> list[Path]:
    return [
        FRONTEND / "src",
        FRONTEND / "public",
        FRONTEND / "vite.config.ts",
        FRONTEND / "package-lock.json",
        *FRONTEND.glob("*.html"),
    ]


def _run(command: list[str], *, cwd: Path, env: dict[str, str] | None, timeout: float) -> None:
    """Runs a setup command; on failure, fails the session with its output."""
    try:
        completed = subprocess.run(
            command,
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        pytest.fail(f"{' '.join(command)} : {error}", pytrace=False)
    if completed.returncode != 0:
        pytest.fail(
            f"{' '.join(command)} a échoué ({completed.returncode}) :\n"
            f"{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}",
            pytrace=False,
        )


def _ensure_frontend_built() -> None:
    """Builds frontend/dist (and installs axe-core) when missing or older than the sources."""
    npm = shutil.which("npm")
    if not (FRONTEND / "node_modules").is_dir() or not AXE_SCRIPT.exists():
        if npm is None:
            pytest.fail("npm introuvable : impossible d'installer le front end", pytrace=False)
        _run([npm, "ci"], cwd=FRONTEND, env=None, timeout=BUILD_TIMEOUT_S)
    index = DIST / "index.html"
    if index.exists() and index.stat().st_mtime >= _newest_mtime(_frontend_sources()):
        return
    if npm is None:
        pytest.fail("npm introuvable : impossible de construire frontend/dist", pytrace=False)
    _run([npm, "run", "build"], cwd=FRONTEND, env=None, timeout=BUILD_TIMEOUT_S)


def _log_tail(path: Path, size: int = 4000) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-size:]
    except OSError:
        return "(pas de journal)"


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    last_error = ""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"{url} : le processus s'est arrêté ({process.returncode}) :\n{_log_tail(log)}",
                pytrace=False,
            )
        try:
            response = httpx.get(url, timeout=2.0)
        except httpx.HTTPError as error:
            last_error = repr(error)
        else:
            if response.status_code == 200:
                return
            last_error = f"HTTP {response.status_code}"
        time.sleep(0.2)
    pytest.fail(f"{url} ne répond pas ({last_error}) :\n{_log_tail(log)}", pytrace=False)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Migrates, seeds and starts the three APIs and the front end; stops them afterwards."""
    _ensure_frontend_built()
    workdir = tmp_path_factory.mktemp("e2e-stack")
    front_port = _free_port()
    ports = {service: _free_port() for service in SERVICES}
    front_origin = f"http://127.0.0.1:{front_port}"
    admin_email = "admin.e2e@intelligences-territoires.test"
    admin_password = secrets.token_urlsafe(18)

    env = {
        **os.environ,
        "AUTH_SECRET_KEY": secrets.token_urlsafe(36)[:48],
        "AUTH_DATABASE_URL": f"sqlite:///{workdir / 'accounts.db'}",
        "DEMO_ADMIN_EMAIL": admin_email,
        "DEMO_ADMIN_PASSWORD": admin_password,
        "PYTHONUNBUFFERED": "1",
        # As in `make up`: e-mail lands as .eml files in a folder, read by the journeys.
        "MAIL_FOLDER": str(workdir / "mail"),
        "MAIL_POLL_SECONDS": "0.2",
        "MAIL_SITE_URL": front_origin,
    }
    for service in SERVICES:
        prefix = service.upper()
        env[f"{prefix}_DATABASE_URL"] = f"sqlite:///{workdir / f'{service}.db'}"
        env[f"{prefix}_CORS_ORIGINS"] = json.dumps([front_origin])
        env[f"{prefix}_LOG_JSON"] = "false"

    _run([str(BIN / "iat-admin"), "migrate"], cwd=ROOT, env=env, timeout=180)
    _run([str(BIN / "iat-admin"), "seed"], cwd=ROOT, env=env, timeout=180)

    site = workdir / "site"
    shutil.copytree(DIST, site)
    urls = {service: f"http://127.0.0.1:{port}" for service, port in ports.items()}
    (site / "config.json").write_text(
        json.dumps({f"{service}_url": url for service, url in urls.items()}), encoding="utf-8"
    )

    with ExitStack() as cleanup:
        for service in SERVICES:
            log = workdir / f"{service}.log"
            log_file = cleanup.enter_context(log.open("wb"))
            command = [
                str(BIN / "uvicorn"),
                "--factory",
                f"services.{service}.app:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(ports[service]),
            ]
            process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT
            )
            cleanup.callback(_stop, process)
            _wait_until_up(f"{urls[service]}/health", process, log)

        front_log = workdir / "front.log"
        front_log_file = cleanup.enter_context(front_log.open("wb"))
        front = subprocess.Popen(
            [
                sys.executable,
                str(E2E_DIR / "static_server.py"),
                str(site),
                str(front_port),
                " ".join(urls.values()),
            ],
            env=env,
            stdout=front_log_file,
            stderr=subprocess.STDOUT,
        )
        cleanup.callback(_stop, front)
        _wait_until_up(f"{front_origin}/index.html", front, front_log)

        yield Stack(
            front_url=front_origin,
            catalogue_url=urls["catalogue"],
            survey_url=urls["survey"],
            auditions_url=urls["auditions"],
            admin_email=admin_email,
            admin_password=admin_password,
            mail_folder=workdir / "mail",
        )


@pytest.fixture(scope="session")
def base_url(stack: Stack) -> str:
    """pytest-playwright opens relative addresses (`page.goto("/")`) on the front end."""
    return stack.front_url


@pytest.fixture
def api(stack: Stack) -> Iterator[httpx.Client]:
    """An HTTP client for asking the APIs what the pages should show."""
    with httpx.Client(timeout=10.0) as client:
        yield client


@pytest.fixture
def page(page: Page) -> Iterator[Page]:
    """The browser page; a test fails if the page broke the Content-Security-Policy."""
    page.set_default_timeout(DEFAULT_TIMEOUT_MS)
    blocked = watch_violations(page)
    yield page
    assert not blocked, "Content-Security-Policy enfreinte :\n" + "\n".join(blocked)
