"""The shared rate limiter: counted in the accounts store, exact under parallel requests."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from fastapi import APIRouter, Depends
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from services.common.app_factory import build_service_app
from services.common.auth.models import RateLimitHit
from services.common.database import create_db_engine
from services.common.errors import TooManyRequests
from services.common.rate_limits import TOO_MANY_REQUESTS, RateLimiter, per_principal
from services.common.settings import RateLimitSettings, ServiceSettings
from services.common.sql import utcnow
from tests.conftest import TEST_SECRET_KEY, Databases
from tests.helpers import add_staff, assert_problem, bearer


@pytest.fixture
def accounts(databases: Databases) -> Iterator[Engine]:
    engine = create_db_engine(databases.urls["accounts"], pool_size=8)
    yield engine
    engine.dispose()


def limiter(engine: Engine, **rules: object) -> RateLimiter:
    return RateLimiter(engine, RateLimitSettings.model_validate(rules), secret=TEST_SECRET_KEY)


def attempt(limiter: RateLimiter, key: str) -> int | None:
    """None when admitted, else the Retry-After in seconds."""
    try:
        limiter.hit("public_submission", key)
    except TooManyRequests as refused:
        return int(refused.headers["Retry-After"])
    return None


def test_parallel_requests_cannot_slip_under_the_limit(accounts: Engine) -> None:
    limits = limiter(accounts, public_submission="5/3600")
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: attempt(limits, "192.0.2.1"), range(24)))
    assert answers.count(None) == 5
    assert all(0 < wait <= 3600 for wait in answers if wait is not None)
    # Refused requests are not written: only the admitted ones are counted.
    with Session(accounts) as session:
        assert session.exec(select(func.count()).select_from(RateLimitHit)).one() == 5
    # Another address has its own allowance.
    assert attempt(limits, "192.0.2.2") is None


def test_retry_after_is_when_the_oldest_hit_leaves_the_window(accounts: Engine) -> None:
    limits = limiter(accounts, public_submission="2/3600")
    assert attempt(limits, "198.51.100.7") is None
    with Session(accounts) as session:
        hit = session.exec(select(RateLimitHit)).one()
        hit.at = utcnow() - timedelta(seconds=3000)
        session.add(hit)
        session.commit()
    assert attempt(limits, "198.51.100.7") is None
    wait = attempt(limits, "198.51.100.7")
    assert wait is not None
    assert 599 <= wait <= 601


def test_hits_older_than_the_window_no_longer_count(accounts: Engine) -> None:
    limits = limiter(accounts, public_submission="1/60")
    assert attempt(limits, "203.0.113.9") is None
    assert attempt(limits, "203.0.113.9") is not None
    with Session(accounts) as session:
        for hit in session.exec(select(RateLimitHit)).all():
            hit.at = utcnow() - timedelta(seconds=61)
            session.add(hit)
        session.commit()
    assert attempt(limits, "203.0.113.9") is None
    with Session(accounts) as session:  # the expired hit was pruned on the way
        assert session.exec(select(func.count()).select_from(RateLimitHit)).one() == 1


def test_the_store_keeps_a_digest_never_the_address(accounts: Engine) -> None:
    assert attempt(limiter(accounts), "192.0.2.55") is None
    with Session(accounts) as session:
        hit = session.exec(select(RateLimitHit)).one()
    assert "192.0.2.55" not in hit.key
    # Not a plain digest, which anyone could compute for every address and match.
    assert hit.key != hashlib.sha256(b"public_submission\x00192.0.2.55").hexdigest()
    assert hit.key == limiter(accounts).digest("public_submission", "192.0.2.55")
    other = RateLimiter(
        accounts, RateLimitSettings(), secret="une-autre-cle-de-signature-secrete-et-longue"
    )
    assert hit.key != other.digest("public_submission", "192.0.2.55")


def test_limits_can_be_switched_off(accounts: Engine) -> None:
    limits = limiter(accounts, public_submission="1/3600", enabled=False)
    assert [attempt(limits, "192.0.2.1") for _ in range(3)] == [None, None, None]


def test_limits_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RATE_LIMIT_PUBLIC_SUBMISSION", "3/60")
    assert RateLimitSettings().rule("public_submission").max_hits == 3
    monkeypatch.setenv("RATE_LIMIT_RECIPIENT", "trois par heure")
    with pytest.raises(ValidationError):
        RateLimitSettings()


def limited_app(databases: Databases, **rules: object) -> TestClient:
    """A service with a limited route, as survey and auditions routes use it."""
    router = APIRouter()

    @router.post("/links", dependencies=[Depends(per_principal())], responses=TOO_MANY_REQUESTS)
    def issue_links() -> dict[str, bool]:
        return {"issued": True}

    settings = ServiceSettings.model_validate(
        {
            "database_url": databases.urls["catalogue"],
            "auth": databases.auth_settings(),
            "mail": {"worker": False},
            "rate_limits": rules,
        }
    )
    app = build_service_app(settings, name="essai", title="Essai", description="", routers=[router])
    return TestClient(app)


def test_the_route_dependency_counts_per_account(databases: Databases) -> None:
    add_staff(databases.urls["accounts"], email="orga@example.org", roles=["organiser"])
    add_staff(databases.urls["accounts"], email="autre@example.org", roles=["organiser"])
    with limited_app(databases, link_issue="2/3600") as client:
        first = bearer(client, email="orga@example.org")
        second = bearer(client, email="autre@example.org")
        assert [client.post("/links", headers=first).status_code for _ in range(3)] == [
            200,
            200,
            429,
        ]
        assert client.post("/links", headers=second).status_code == 200
        assert_problem(client.post("/links"), 401)
        refused = client.post("/links", headers=first)
        assert_problem(refused, 429)
        assert int(refused.headers["Retry-After"]) > 0
