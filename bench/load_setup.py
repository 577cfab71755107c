"""What a load run stands on: the four databases on a private cluster, migrated and seeded by
`iat-admin`, the three services under uvicorn, and the private links the clients write with.

The demo data (`iat-admin seed`) supplies the fiches, the campaign and the hearings; the edit
links of the fiches and the survey's invitation links are issued here, as the services issue
them (only their hashes are stored), because the services send them only by e-mail.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from pg_cluster import PrivateCluster, free_port
from sqlmodel import Session, col, select

from services.catalogue.models import UseCase
from services.common import private_links
from services.common.database import create_db_engine
from services.survey.models import Campaign, Invitation, InvitationLink

ROOT = Path(__file__).resolve().parents[1]
ADMIN = Path(sys.executable).parent / "iat-admin"
SERVICES = ("catalogue", "survey", "auditions")
# Organiser (moves hearings) and analyst (reads the survey's history of changes).
STAFF = "equipe.charge@example.org"
STAFF_PASSWORD = "mot-de-passe-du-banc-de-charge"  # noqa: S105 - a throwaway account
CAMPAIGN = "observation-2026"  # open from 15 September to 15 December 2026 in the demo


@dataclass(frozen=True)
class Stage:
    """The running system a load run aims at."""

    cluster: PrivateCluster
    urls: dict[str, str]  # service -> base address
    edit_links: list[tuple[int, str]]  # (fiche id, edit token)
    survey_links: list[tuple[int, str]]  # (invitation id, link token)


def environment(cluster: PrivateCluster, folder: Path) -> dict[str, str]:
    """The variables `iat-admin` and the services read: every database on the private cluster."""
    env = {
        **os.environ,
        "AUTH_DATABASE_URL": cluster.create_database("accounts"),
        "AUTH_SECRET_KEY": secrets.token_urlsafe(40),
        "MAIL_FOLDER": str(folder / "mail"),
    }
    for name in SERVICES:
        env[f"{name.upper()}_DATABASE_URL"] = cluster.create_database(name)
        env[f"{name.upper()}_LOG_JSON"] = "false"
    return env


def admin(env: dict[str, str], *args: str) -> None:
    done = subprocess.run([str(ADMIN), *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"iat-admin {' '.join(args)} : {done.stderr.strip()}")


def seed_and_staff(env: dict[str, str]) -> None:
    """`iat-admin seed`, and the run's staff account (in the accounts store) at the same time."""
    command = [str(ADMIN), "staff", "add", STAFF, "--role", "organiser", "--role", "analyst",
               "--password-stdin"]  # fmt: skip
    staff = subprocess.Popen(
        command, cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    admin(env, "seed")
    _, error = staff.communicate(STAFF_PASSWORD + "\n", timeout=120)
    if staff.returncode:
        raise SystemExit(f"iat-admin staff add : {error.strip()}")


def issue_edit_links(url: str, count: int) -> list[tuple[int, str]]:
    """Edit links of `count` published demo fiches (fewer when the demo has fewer)."""
    engine = create_db_engine(url, pool_size=1)
    try:
        with Session(engine) as session:
            fiches = session.exec(
                select(UseCase).where(col(UseCase.status) == "published").order_by(col(UseCase.id))
            ).all()[:count]
            links = []
            for fiche in fiches:
                link = private_links.issue()
                fiche.edit_token_hash = link.digest
                links.append((fiche.id or 0, link.token))
            session.commit()
    finally:
        engine.dispose()
    return links


def issue_survey_links(url: str, count: int) -> list[tuple[int, str]]:
    """`count` invitations to the open demo campaign, one link each."""
    engine = create_db_engine(url, pool_size=1)
    links = []
    try:
        with Session(engine) as session:
            campaign = session.exec(select(Campaign).where(col(Campaign.slug) == CAMPAIGN)).one()
            for number in range(count):
                invitation = Invitation(
                    campaign_id=campaign.id or 0,
                    code=f"CHARGE{number:04d}",
                    kind="commune",
                    name=f"Commune de charge {number}",
                    population=1000 + number,
                    band="500-1999",
                    region="84",
                    departement="69",
                    status="sent",
                )
                session.add(invitation)
                session.flush()
                link = private_links.issue()
                session.add(
                    InvitationLink(token_hash=link.digest, invitation_id=invitation.id or 0)
                )
                links.append((invitation.id or 0, link.token))
            session.commit()
    finally:
        engine.dispose()
    return links


@contextmanager
def uvicorn(
    env: dict[str, str], folder: Path, *, meanwhile: Callable[[], None]
) -> Iterator[dict[str, str]]:
    """The three services under uvicorn (one worker each) on free ports; `meanwhile` runs while
    they start (they need their schemas, not their data, to start). Yields their addresses."""
    with ExitStack() as stack:
        urls, processes = {}, {}
        for name in SERVICES:
            port = free_port()
            log = stack.enter_context((folder / f"{name}.log").open("wb"))
            processes[name] = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "--factory", f"services.{name}.app:create_app",
                 "--port", str(port), "--no-access-log", "--log-level", "warning"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
            stack.callback(_stop, processes[name])
            urls[name] = f"http://127.0.0.1:{port}"
        meanwhile()
        deadline = time.monotonic() + 120
        for name, base in urls.items():
            while not _answers(base):
                if time.monotonic() > deadline or processes[name].poll() is not None:
                    log_text = (folder / f"{name}.log").read_text(errors="replace")
                    raise SystemExit(f"{name} ne démarre pas : {log_text[-2000:]}")
                time.sleep(0.2)
        yield urls


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=15)


def _answers(base: str) -> bool:
    try:
        return httpx.get(f"{base}/health", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


@contextmanager
def stage(folder: Path, *, writers: int) -> Iterator[Stage]:
    """The whole system on a fresh private cluster, with `writers` links of each kind."""
    with ExitStack() as stack:
        cluster = PrivateCluster()
        stack.callback(cluster.remove)
        cluster.start()
        env = environment(cluster, folder)
        admin(env, "migrate")
        links: dict[str, Any] = {}

        def fill() -> None:
            seed_and_staff(env)
            links["edit"] = issue_edit_links(env["CATALOGUE_DATABASE_URL"], writers)
            links["survey"] = issue_survey_links(env["SURVEY_DATABASE_URL"], writers)
            cluster.checkpoint()

        urls = stack.enter_context(uvicorn(env, folder, meanwhile=fill))
        yield Stage(cluster, urls, links["edit"], links["survey"])
