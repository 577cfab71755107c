"""The audit log: every staff action that was saved, and only those, with who did it."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Row, select
from sqlmodel import Session

from services.auditions.models import audit_log as auditions_audit
from services.common.database import create_db_engine
from services.survey.models import audit_log as survey_audit
from services.survey.seed import seed_survey
from tests.conftest import ClientFactory, Databases
from tests.helpers import add_staff, assert_problem, bearer

EVENT = {"title": "Auditions de septembre", "starts_on": "2027-09-06", "ends_on": "2027-09-10"}


def _entries(url: str, table: Any) -> list[Row[Any]]:
    engine = create_db_engine(url, pool_size=1)
    try:
        with engine.connect() as connection:
            return list(connection.execute(select(table).order_by(table.c.id)))
    finally:
        engine.dispose()


def test_a_saved_staff_action_is_logged_with_its_author(
    client_for: ClientFactory, databases: Databases
) -> None:
    client = client_for("auditions")
    add_staff(databases.urls["accounts"], email="orga@example.org", roles=["organiser"])
    headers = bearer(client, email="orga@example.org")

    created = client.post("/events", json=EVENT, headers=headers)
    assert created.status_code == 201, created.text

    (entry,) = _entries(databases.urls["auditions"], auditions_audit)
    assert entry.method == "POST"
    assert entry.route == "/events"
    assert entry.actor.startswith("staff:")
    assert entry.actor_name == "orga@example.org"
    # The body (which may hold personal data) is not copied into the log.
    assert "septembre" not in entry.target


def test_refused_failed_and_read_only_requests_leave_no_entry(
    client_for: ClientFactory, databases: Databases
) -> None:
    client = client_for("auditions")
    add_staff(databases.urls["accounts"], email="orga@example.org", roles=["organiser"])
    add_staff(databases.urls["accounts"], email="analyste@example.org", roles=["analyst"])
    organiser = bearer(client, email="orga@example.org")

    assert_problem(client.post("/events", json=EVENT), 401)
    assert_problem(
        client.post("/events", json=EVENT, headers=bearer(client, email="analyste@example.org")),
        403,
    )
    assert_problem(
        client.post("/events", json={**EVENT, "ends_on": "2027-09-01"}, headers=organiser), 422
    )
    assert client.get("/manage/events", headers=organiser).status_code == 200

    assert _entries(databases.urls["auditions"], auditions_audit) == []


def test_a_raw_export_is_logged_even_though_it_is_a_read(
    client_for: ClientFactory, databases: Databases
) -> None:
    engine = create_db_engine(databases.urls["survey"], pool_size=1)
    with Session(engine) as session:
        seed_survey(session)
        session.commit()
    engine.dispose()
    client = client_for("survey")
    add_staff(databases.urls["accounts"], email="analyste@example.org", roles=["analyst"])
    headers = bearer(client, email="analyste@example.org")
    campaign_id = client.get("/campaigns", headers=headers).json()["items"][0]["id"]
    assert client.get(f"/campaigns/{campaign_id}", headers=headers).status_code == 200

    export = client.get(
        f"/campaigns/{campaign_id}/export", params={"format": "csv"}, headers=headers
    )
    assert export.status_code == 200, export.text

    (entry,) = _entries(databases.urls["survey"], survey_audit)
    assert entry.method == "GET"
    assert entry.route == "/campaigns/{campaign_id}/export"
    assert json.loads(entry.target) == {"campaign_id": str(campaign_id)}
