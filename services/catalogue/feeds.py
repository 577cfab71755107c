"""Atom feeds (RFC 4287) of the published fiches, whole or a saved search's, and of one
fiche's public history, written by feedgen.

A feed holds only what the public fiche shows: its title, summary, authority and dates, read
from the columns that copy the published content, and the public versions (publications and
withdrawals) of its history; never the contributor's address nor a draft. Each entry's id is
the fiche's public address (`fiche.html?id=…`, with `#version-N` for a version), which does
not change when its title does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from feedgen.feed import FeedGenerator  # type: ignore[import-untyped]
from sqlalchemy import Select, func
from sqlalchemy.orm import load_only
from sqlmodel import Session, col, select

from services.catalogue import fiche
from services.catalogue.models import UseCase, UseCaseStatus, UseCaseVersion
from services.catalogue.schemas.use_cases import HistoryEntry

ATOM_TYPE: Final = "application/atom+xml"
# The newest entries only: a reader polls often, the open data holds the rest.
MAX_ENTRIES: Final = 50
CATALOGUE_NAME: Final = "Intelligences associées des territoires"
# The `updated` of a feed that has never had an entry.
_NEVER: Final = datetime(2025, 1, 1, tzinfo=UTC)

_EVENT_TITLES: Final = {
    "published": "Mise à jour",
    "retracted": "Dépubliée",
    "archived": "Archivée",
}


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    updated: datetime
    link: str
    summary: str
    author: str
    published: datetime | None = None


@dataclass(frozen=True)
class Feed:
    id: str
    title: str
    self_url: str
    page_url: str
    entries: list[Entry]
    # When nothing is listed: the last public change it could have shown.
    fallback_updated: datetime | None = None


def fiche_url(site_url: str, use_case_id: int) -> str:
    return f"{site_url.rstrip('/')}/fiche.html?id={use_case_id}"


def render(feed: Feed) -> bytes:
    """The feed as Atom XML (UTF-8), its entries in the order given (newest first)."""
    generator = FeedGenerator()
    generator.id(feed.id)
    generator.title(feed.title)
    generator.language("fr")
    # The feed's author, which RFC 4287 requires when an entry (or no entry) names none.
    generator.author(name=CATALOGUE_NAME)
    generator.link(href=feed.self_url, rel="self", type=ATOM_TYPE)
    generator.link(href=feed.page_url, rel="alternate", type="text/html")
    generator.generator(CATALOGUE_NAME)
    newest = max((entry.updated for entry in feed.entries), default=None)
    generator.updated(newest or feed.fallback_updated or _NEVER)
    for entry in feed.entries:
        item = generator.add_entry(order="append")
        item.id(entry.id)
        item.title(entry.title)
        item.updated(entry.updated)
        if entry.published is not None:
            item.published(entry.published)
        item.link(href=entry.link, rel="alternate", type="text/html")
        item.summary(entry.summary)
        item.author(name=entry.author)
    body: bytes = generator.atom_str(pretty=True)
    return body


def _utc(moment: datetime) -> datetime:
    # SQLite gives back naive datetimes; every stored one is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _author(use_case: UseCase) -> str:
    return use_case.local_authority_name or use_case.local_authority_code or CATALOGUE_NAME


def published_entries(session: Session, site_url: str, ids: Select[Any]) -> list[Entry]:
    """The published fiches among `ids`, the last published or updated first, one entry each."""
    last = (
        select(
            col(UseCaseVersion.use_case_id).label("use_case_id"),
            func.max(UseCaseVersion.created_at).label("at"),
        )
        .where(col(UseCaseVersion.public), col(UseCaseVersion.event) == "published")
        .group_by(col(UseCaseVersion.use_case_id))
        .subquery()
    )
    rows = session.exec(
        select(UseCase, last.c.at)
        .options(
            load_only(
                UseCase.id,  # type: ignore[arg-type]
                UseCase.title,  # type: ignore[arg-type]
                UseCase.summary,  # type: ignore[arg-type]
                UseCase.local_authority_code,  # type: ignore[arg-type]
                UseCase.local_authority_name,  # type: ignore[arg-type]
                UseCase.published_at,  # type: ignore[arg-type]
            )
        )
        .join(last, last.c.use_case_id == UseCase.id)
        .where(
            col(UseCase.status) == UseCaseStatus.PUBLISHED,
            col(UseCase.id).in_(ids.scalar_subquery()),
        )
        .order_by(last.c.at.desc(), col(UseCase.id).desc())
        .limit(MAX_ENTRIES)
    ).all()
    entries = []
    for use_case, at in rows:
        assert use_case.id is not None
        url = fiche_url(site_url, use_case.id)
        entries.append(
            Entry(
                id=url,
                title=use_case.title,
                updated=_utc(at),
                link=url,
                summary=use_case.summary,
                author=_author(use_case),
                published=_utc(use_case.published_at) if use_case.published_at else None,
            )
        )
    return entries


def last_public_change(session: Session) -> datetime | None:
    at = session.exec(
        select(func.max(UseCaseVersion.created_at)).where(col(UseCaseVersion.public))
    ).one()
    return _utc(at) if at else None


def _field_label(name: str) -> str:
    """A field's short French name, from its description ("Statut du projet.")."""
    description = fiche.UseCaseFields.model_fields[name].description or name
    for stop in (",", ":", "(", "."):
        description = description.split(stop, 1)[0]
    return description.strip() or name


def history_entries(use_case: UseCase, history: list[HistoryEntry], site_url: str) -> list[Entry]:
    """One entry per public version of the fiche, newest first (`history` is in that order)."""
    assert use_case.id is not None
    url = fiche_url(site_url, use_case.id)
    entries = []
    oldest = history[-1].version if history else None
    for version in history[:MAX_ENTRIES]:
        if version.event == "published" and version.version == oldest:
            heading, summary = "Publication", use_case.summary
        else:
            heading = _EVENT_TITLES.get(version.event, version.event)
            changed = [_field_label(change["field"]) for change in version.changes]
            summary = "Champs modifiés : " + ", ".join(changed) + "." if changed else ""
            if version.note:
                summary = f"{summary} {version.note}".strip()
        entries.append(
            Entry(
                id=f"{url}#version-{version.version}",
                title=f"{heading} : {use_case.title}",
                updated=_utc(version.at),
                link=url,
                summary=summary or heading + ".",
                author=_author(use_case),
            )
        )
    return entries
