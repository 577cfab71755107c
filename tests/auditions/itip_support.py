"""A published hearing with members, made through the organisers' API, and its messages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient

from tests.auditions.conftest import Make
from tests.auditions.support import editing
from tests.auditions.test_journey import paris


@dataclass
class Stage:
    """One published event with a room, members and hearings, and the organiser's headers."""

    client: TestClient
    organiser: dict[str, str]
    make: Make
    event_id: int
    room_id: int

    def member(self, name: str, email: str) -> dict[str, Any]:
        return self.make.member(self.event_id, name=name, email=email)

    def hearing(self, title: str = "Audition test", **fields: Any) -> dict[str, Any]:
        return self.make.hearing(self.event_id, title=title, **fields)

    def url(self, hearing: dict[str, Any]) -> str:
        return f"/events/{self.event_id}/hearings/{hearing['id']}"

    def place(
        self, hearing: dict[str, Any], *, day: int = 12, hour: int = 10, **body: Any
    ) -> dict[str, Any]:
        url = self.url(hearing)
        placed = self.client.put(
            f"{url}/placement",
            headers=editing(self.client, self.organiser, url),
            json={"room_id": self.room_id, "starts_at": paris(day, hour), **body},
        )
        assert placed.status_code == 200, placed.text
        result: dict[str, Any] = placed.json()["hearing"]
        return result

    def release(self, name: str) -> None:
        response = self.client.post(
            f"/events/{self.event_id}/releases",
            headers=self.organiser,
            json={"name": name, "changelog": f"{name}.", "override_hard_warnings": True},
        )
        assert response.status_code == 201, response.text

    def held(self) -> list[dict[str, Any]]:
        outbox = self.client.get(f"/events/{self.event_id}/outbox", headers=self.organiser)
        return [m for m in outbox.json() if m["status"] == "held"]

    def send_held(self) -> list[dict[str, Any]]:
        """Release every held message (as the console's button does); returns them."""
        held = self.held()
        if held:
            self.client.post(
                f"/events/{self.event_id}/outbox/release",
                headers=self.organiser,
                json={"ids": [m["id"] for m in held]},
            ).raise_for_status()
        return held

    def read(self, hearing: dict[str, Any]) -> dict[str, Any]:
        found: dict[str, Any] = self.client.get(self.url(hearing), headers=self.organiser).json()[
            "hearing"
        ]
        return found


def stage(client: TestClient, organiser: dict[str, str], make: Make, **event: Any) -> Stage:
    created = make.event(published=True, **event)
    room = make.room(created["id"])
    return Stage(client, organiser, make, created["id"], room["id"])
