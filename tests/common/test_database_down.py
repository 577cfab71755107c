"""With the database down, /ready answers 503, API calls get a problem+json 503, and the
service recovers by itself when the database comes back.

The shared PostgreSQL server keeps running: the service reaches its database through a small
TCP proxy, and stopping the proxy (listener and open connections) is the outage.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.engine import make_url
from sqlmodel import Session

from services.auditions.app import create_app
from services.auditions.seed import seed_auditions
from services.auditions.settings import AuditionsSettings
from services.common.database import create_db_engine
from services.common.settings import AuthSettings
from tests.conftest import POSTGRES_ADMIN_URL, TEST_SECRET_KEY, PostgresDatabases, migrate
from tests.helpers import add_staff, assert_problem, bearer

pytestmark = pytest.mark.postgres

ORGANISER = "organisatrice@example.org"
EVENT = {"title": "Auditions de septembre", "starts_on": "2027-09-06", "ends_on": "2027-09-10"}


class TcpProxy:
    """Forwards 127.0.0.1:`port` to `target`; `stop` is an outage, `start` the recovery."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = 0
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        # The port must be reusable at once although closed connections linger in TIME_WAIT.
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._spawn(self._accept, listener)

    def stop(self) -> None:
        """Close the listener and cut every open connection, as a crashed server would."""
        if self._listener is not None:
            _shut(self._listener)
            self._listener = None
        with self._lock:
            sockets, self._open = self._open, set()
        for sock in sockets:
            _shut(sock)
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads = [thread for thread in self._threads if thread.is_alive()]
        assert not self._threads, "le proxy n'a pas pu s'arrêter"

    def _spawn(self, target: Callable[..., None], *args: socket.socket) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=3)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._open.update((client, upstream))
            self._spawn(self._pump, client, upstream)
            self._spawn(self._pump, upstream, client)

    def _pump(self, source: socket.socket, destination: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                destination.sendall(data)
        except OSError:
            pass
        finally:
            _shut(source)
            _shut(destination)


def _shut(sock: socket.socket) -> None:
    with suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    server = make_url(POSTGRES_ADMIN_URL)
    proxy = TcpProxy((server.host or "127.0.0.1", server.port or 5432))
    proxy.start()
    yield proxy
    proxy.stop()


@pytest.fixture
def urls(postgres_databases: PostgresDatabases) -> tuple[str, str]:
    """A migrated hearings database with its demo data, and an accounts store with an organiser."""
    service_url = postgres_databases.create("down_auditions")
    accounts_url = postgres_databases.create("down_accounts")
    migrate("auditions", service_url)
    migrate("accounts", accounts_url)
    engine = create_db_engine(service_url, pool_size=1)
    try:
        with Session(engine) as session:
            seed_auditions(session)
            session.commit()
    finally:
        engine.dispose()
    add_staff(accounts_url, email=ORGANISER, roles=["organiser"])
    return service_url, accounts_url


@contextmanager
def service_through(proxy: TcpProxy, urls: tuple[str, str]) -> Iterator[TestClient]:
    """The hearings service reaching its own database through the proxy (accounts direct).

    Started inside the test so that its log handler writes to the test's captured stderr.
    """
    service_url, accounts_url = urls
    proxied = make_url(service_url).set(port=proxy.port).render_as_string(hide_password=False)
    settings = AuditionsSettings.model_validate(
        {
            "database_url": proxied,
            "auth": AuthSettings.model_validate(
                {"database_url": accounts_url, "secret_key": SecretStr(TEST_SECRET_KEY)}
            ),
        }
    )
    with TestClient(create_app(settings)) as client:
        yield client


def _assert_serving(client: TestClient, headers: dict[str, str]) -> list[str]:
    """Reads and writes work; returns the titles of every event, the new one included."""
    assert client.get("/ready").json() == {"status": "ready"}
    assert client.get("/events").status_code == 200
    created = client.post("/events", json=EVENT, headers=headers)
    assert created.status_code == 201, created.text
    listing = client.get("/manage/events", headers=headers)
    assert listing.status_code == 200, listing.text
    return [event["title"] for event in listing.json()]


def test_the_service_survives_a_database_outage(
    urls: tuple[str, str], proxy: TcpProxy, capfd: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    with service_through(proxy, urls) as client:
        headers = bearer(client, email=ORGANISER)
        before = _assert_serving(client, headers)

        proxy.stop()
        capfd.readouterr()

        ready = client.get("/ready")
        assert_problem(ready, 503)
        assert ready.headers["retry-after"] == "5"
        for response in (
            client.get("/events"),
            client.get("/events/1"),
            client.post("/events", json=EVENT, headers=headers),
        ):
            body = assert_problem(response, 503)
            assert response.headers["retry-after"].isdigit()
            assert "psycopg" not in response.text.lower()
            assert "Traceback" not in str(body)
        # Liveness is not readiness: the process itself is fine.
        assert client.get("/health").status_code == 200
        logged = capfd.readouterr().err
        assert "database unavailable: OperationalError" in logged
        assert "Traceback" not in logged

        proxy.start()

        # The write refused during the outage left nothing; the one after it is saved.
        after = _assert_serving(client, headers)
        assert after.count(EVENT["title"]) == before.count(EVENT["title"]) + 1
    assert time.monotonic() - started < 20


def test_connections_cut_between_requests_are_replaced_silently(
    urls: tuple[str, str], proxy: TcpProxy
) -> None:
    """A database restart while the pool holds idle connections costs no failed request."""
    with service_through(proxy, urls) as client:
        headers = bearer(client, email=ORGANISER)
        before = _assert_serving(client, headers)

        proxy.stop()
        proxy.start()

        after = _assert_serving(client, headers)
        assert after.count(EVENT["title"]) == before.count(EVENT["title"]) + 1
