"""The clients of a load run, what they record, and the reading back of every acknowledged write.

Four kinds of client, each looping until the end of the run: a visitor searching the catalogue,
a contributor correcting a fiche through its edit link, an agent whose survey page autosaves,
an organiser moving a hearing. Every request becomes a `Sample`; every write goes in the
`Ledger`: acknowledged (a 2xx, with the order the service gave it: the fiche's or hearing's new
version, the answer's revision) or uncertain (no answer, a 5xx: it may or may not have been
saved). A write is lost when the value read back at the end is neither the last acknowledged
one nor one of the uncertain ones that could have come after it.

A client that meets a 503 tries again after 200 ms rather than after `Retry-After`: the run
measures how soon the service recovers, not how patient its clients are.
"""

from __future__ import annotations

# ruff: noqa: S311 - pseudo-random load, not secrets
import asyncio
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeGuard

import httpx

RETRY_SECONDS = 0.2
SEARCHES = ["ia", "véhicules", "transcription", "déchets", "eau", "courrier", "écoles", "vision"]
PROBLEM_JSON = "application/problem+json"


@dataclass
class Deadline:
    """When the clients stop; held during a restart (and pushed back after it) so that the
    recovery is always observed, however short the run."""

    at: float
    held: bool = False

    def passed(self) -> bool:
        return not self.held and time.monotonic() >= self.at


@dataclass(frozen=True)
class Sample:
    service: str
    kind: str
    started: float  # time.monotonic()
    ended: float
    status: int | None  # None: no HTTP answer at all (connection refused, reset, timeout)
    unavailable_problem: bool  # a 503 problem+json with Retry-After
    failure: str = ""  # the client's exception when there was no answer

    @property
    def ms(self) -> float:
        return (self.ended - self.started) * 1000


@dataclass
class Ledger:
    """The writes of one run, per written thing (fiche, answer, hearing)."""

    acked: dict[str, tuple[int, Any]] = field(default_factory=dict)  # key -> (order, value)
    uncertain: dict[str, list[Any]] = field(default_factory=lambda: defaultdict(list))
    every_ack: list[tuple[str, int, Any]] = field(default_factory=list)
    # Reads made during the run that show an acknowledged write undone (after the restart).
    undone: list[str] = field(default_factory=list)

    def ack(self, key: str, order: int, value: Any) -> None:
        self.every_ack.append((key, order, value))
        if key not in self.acked or order > self.acked[key][0]:
            self.acked[key] = (order, value)

    def unsure(self, key: str, value: Any) -> None:
        self.uncertain[key].append(value)

    def lost(self, key: str, stored: Any) -> bool:
        return stored != self.acked[key][1] and stored not in self.uncertain.get(key, [])

    def observe(self, key: str, order: int, stored: Any) -> None:
        """A read of `key` during the run: it must hold the last acknowledged write or later."""
        if key not in self.acked:
            return
        acked_order, _ = self.acked[key]
        if order < acked_order or (order == acked_order and self.lost(key, stored)):
            self.undone.append(f"{key} : version {order} relue, {acked_order} acquittée")


@dataclass
class Recorder:
    samples: list[Sample] = field(default_factory=list)
    ledger: Ledger = field(default_factory=Ledger)

    async def call(
        self, client: httpx.AsyncClient, service: str, kind: str, method: str, url: str, **kw: Any
    ) -> httpx.Response | None:
        started = time.monotonic()
        try:
            response = await client.request(method, url, **kw)
        except httpx.HTTPError as error:
            ended = time.monotonic()
            self.samples.append(
                Sample(service, kind, started, ended, None, False, type(error).__name__)
            )
            await asyncio.sleep(RETRY_SECONDS)
            return None
        problem = (
            response.status_code == 503
            and response.headers.get("content-type", "").startswith(PROBLEM_JSON)
            and "retry-after" in response.headers
        )
        self.samples.append(
            Sample(service, kind, started, time.monotonic(), response.status_code, problem)
        )
        if response.status_code >= 500:
            await asyncio.sleep(RETRY_SECONDS)
        return response


def ok(response: httpx.Response | None) -> TypeGuard[httpx.Response]:
    return response is not None and 200 <= response.status_code < 300


async def searcher(rec: Recorder, client: httpx.AsyncClient, stop: Deadline, seed: int) -> None:
    rng = random.Random(seed)
    while not stop.passed():
        params = {"q": rng.choice(SEARCHES), "limit": "20"}
        await rec.call(client, "catalogue", "recherche", "GET", "/use-cases", params=params)


async def fiche_editor(
    rec: Recorder, client: httpx.AsyncClient, stop: Deadline, fiche_id: int, token: str, run: str
) -> None:
    headers = {"Authorization": f"PrivateLink {token}"}
    key, version, number = f"fiche {fiche_id}", None, 0
    while not stop.passed():
        if version is None:
            current = await rec.call(client, "catalogue", "fiche (lecture)", "GET", "/edit-link",
                                     headers=headers)  # fmt: skip
            if ok(current):
                version = current.json()["version"]
                rec.ledger.observe(key, version, current.json()["draft"].get("summary"))
            continue
        number += 1
        summary = f"Résumé corrigé pendant la charge {run}, fiche {fiche_id}, n° {number}."
        response = await rec.call(client, "catalogue", "fiche (modification)", "PATCH",
                                  f"/use-cases/{fiche_id}", json={"summary": summary},
                                  headers={**headers, "If-Match": f'"{version}"'})  # fmt: skip
        if ok(response):
            version = response.json()["version"]
            rec.ledger.ack(key, version, summary)
        else:
            if response is None or response.status_code >= 500:
                rec.ledger.unsure(key, summary)
            version = None  # a 412 (an uncertain write went through) or a failure: read again


async def respondent(
    rec: Recorder, client: httpx.AsyncClient, stop: Deadline, link: tuple[int, str], seed: int
) -> None:
    invitation_id, token = link
    rng = random.Random(seed)
    headers = {"Authorization": f"PrivateLink {token}"}
    while not stop.passed():
        key = rng.choice(["agents_total", "commentaire"])
        value: Any = rng.randint(0, 200_000) if key == "agents_total" else f"note {rng.random()}"
        body = {"answers": {key: value}, "author": f"onglet {seed}"}
        response = await rec.call(client, "survey", "questionnaire (autosave)", "PATCH",
                                  "/answering/answers", json=body, headers=headers)  # fmt: skip
        write = answer_key(invitation_id, key)
        if ok(response) and key in response.json()["saved"]:
            rec.ledger.ack(write, response.json()["saved"][key], value)
        elif response is None or response.status_code >= 500:
            rec.ledger.unsure(write, value)


def answer_key(invitation_id: int, question: str) -> str:
    return f"réponse {invitation_id} {question}"


@dataclass(frozen=True)
class Hearing:
    event_id: int
    id: int
    version: int
    member_ids: list[int]


def placement_of(body: dict[str, Any]) -> tuple[int | None, float | None]:
    """(room, start as a timestamp): what a placement writes, comparable whatever the offset."""
    start = body["starts_at"]
    return body["room_id"], datetime.fromisoformat(start).timestamp() if start else None


async def scheduler(
    rec: Recorder,
    client: httpx.AsyncClient,
    stop: Deadline,
    hearing: Hearing,
    slots: list[tuple[int, str]],
    seed: int,
) -> None:
    rng = random.Random(seed)
    path = f"/events/{hearing.event_id}/hearings/{hearing.id}"
    key = f"audition {hearing.id}"
    version: int | None = hearing.version
    while not stop.passed():
        if version is None:
            current = await rec.call(client, "auditions", "audition (lecture)", "GET", path)
            if ok(current):
                stored = current.json()["hearing"]
                version = stored["version"]
                rec.ledger.observe(key, stored["version"], placement_of(stored))
            continue
        room_id, starts_at = rng.choice(slots)
        body = {"room_id": room_id, "starts_at": starts_at, "member_ids": hearing.member_ids}
        response = await rec.call(client, "auditions", "audition (placement)", "PUT",
                                  f"{path}/placement", json=body,
                                  headers={"If-Match": f'"{version}"'})  # fmt: skip
        if ok(response):
            placed = response.json()["hearing"]
            version = placed["version"]
            rec.ledger.ack(key, placed["version"], placement_of(body))
        else:
            if response is None or response.status_code >= 500:
                rec.ledger.unsure(key, placement_of(body))
            version = None


async def movable_hearings(
    client: httpx.AsyncClient, event_id: int
) -> tuple[list[Hearing], list[tuple[int, str]]]:
    """The placed, unlocked hearings of the event, and the (room, start) slots they hold."""
    draft = (await client.get(f"/events/{event_id}/draft")).raise_for_status().json()
    placed = [
        h for h in draft["hearings"] if h["starts_at"] and not h["locked"] and not h["cancelled"]
    ]
    hearings = [Hearing(event_id, h["id"], h["version"], h["member_ids"]) for h in placed]
    return hearings, sorted({(h["room_id"], h["starts_at"]) for h in placed})
