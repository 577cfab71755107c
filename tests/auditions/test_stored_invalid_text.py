"""A value stored before text was checked at the edge (a lone surrogate, a control character, a
non-character, written in the database past the API) breaks no page, no export and no calendar
feed of the hearings service: each answers 200, with the text still there."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from services.auditions.models import (
    Actor,
    Event,
    Hearing,
    Minutes,
    PanelMember,
    Release,
    Room,
)
from services.common.database import create_db_engine
from services.common.private_links import digest_of
from tests.conftest import Databases

STORED = {
    "lone surrogate": "\ud800",
    "C0 control": "\x01",
    "escape": "\x1b",
    "C1 control": "\x85",
    "non-character": "\ufffe",
}
FEED_TOKEN = "jeton-d-agenda-" + "z" * 30


def _with(text: str, character: str) -> str:
    return f"{text} {character} ancien"


def _store(databases: Databases, character: str) -> tuple[int, int]:
    """Put `character` in the texts of the demo event: in its text columns where the database
    can hold it, and in the released entries (JSON), where a lone surrogate fits too."""
    text_character = "" if character == "\ud800" else character
    engine = create_db_engine(databases.urls["auditions"], pool_size=1)
    try:
        with Session(engine) as session:
            event = session.exec(select(Event).order_by(col(Event.id))).first()
            assert event is not None
            event.title, event.location = (
                _with("Auditions", text_character),
                _with("Paris", text_character),
            )
            event.description = _with("Description", text_character)
            rows: list[Any] = [event]
            for model in (Hearing, Actor, PanelMember, Room):
                for row in session.exec(select(model).where(model.event_id == event.id)):
                    attribute = "title" if model is Hearing else "name"
                    setattr(row, attribute, _with(getattr(row, attribute)[:150], text_character))
                    rows.append(row)
            member = session.exec(
                select(PanelMember).where(PanelMember.event_id == event.id)
            ).first()
            assert member is not None
            member.feed_token_hash = digest_of(FEED_TOKEN)
            for minutes in session.exec(select(Minutes)):
                minutes.body = _with(minutes.body, text_character)
                rows.append(minutes)
            for release in session.exec(select(Release).where(Release.event_id == event.id)):
                release.changelog = _with(release.changelog, text_character)
                release.entries = [
                    {
                        **entry,
                        **{
                            k: _with(v, character)
                            for k, v in entry.items()
                            if isinstance(v, str) and k in ("title", "room")
                        },
                    }
                    for entry in release.entries
                ]
                rows.append(release)
            session.add_all(rows)
            session.commit()
            hearing = session.exec(select(Hearing).where(Hearing.event_id == event.id)).first()
            assert event.id is not None
            assert hearing is not None
            assert hearing.id is not None
            return event.id, hearing.id
    finally:
        engine.dispose()


@pytest.mark.parametrize("name", sorted(STORED))
def test_every_page_export_and_feed_reads_a_stored_invalid_value(
    client: TestClient, organiser: dict[str, str], databases: Databases, name: str
) -> None:
    event_id, hearing_id = _store(databases, STORED[name])
    releases = [r["id"] for r in client.get(f"/events/{event_id}/releases").json()]
    public = [
        "/events",
        f"/events/{event_id}",
        f"/events/{event_id}/agenda",
        f"/events/{event_id}/agenda.ics",
        f"/events/{event_id}/releases",
        f"/events/{event_id}/attachments",
        f"/feeds/personal.ics?token={FEED_TOKEN}",
    ]
    if len(releases) > 1:
        public.append(f"/events/{event_id}/releases/diff?from={releases[-1]}&to={releases[0]}")
    staff = [
        "/manage/events",
        f"/events/{event_id}/actors",
        f"/events/{event_id}/invitations",
        f"/events/{event_id}/outbox",
        f"/events/{event_id}/warnings",
        f"/events/{event_id}/draft",
        f"/events/{event_id}/hearings/{hearing_id}",
        f"/events/{event_id}/hearings/{hearing_id}/attachments",
        f"/events/{event_id}/solver-runs",
    ]

    responses = {path: client.get(path) for path in public} | {
        path: client.get(path, headers=organiser) for path in staff
    }

    for path, response in responses.items():
        assert response.status_code == 200, (path, response.text)
    for path in (
        f"/events/{event_id}/agenda",
        f"/events/{event_id}/agenda.ics",
        f"/feeds/personal.ics?token={FEED_TOKEN}",
        f"/events/{event_id}/draft",
    ):
        assert "ancien" in responses[path].text, path
