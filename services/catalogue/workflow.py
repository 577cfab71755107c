"""The life of a fiche: proposed, corrected, published, updated, retracted, archived.

Domain functions only flush; the request's session commits. Each change bumps `version` (the
ETag) and records a `UseCaseVersion` with the whole content at that time.
"""

from __future__ import annotations

import secrets
from typing import Any

from slugify import slugify
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from services.catalogue import fiche, vocabularies
from services.catalogue.models import UseCase, UseCaseStatus, UseCaseVersion

# Registers the flush listener that keeps the search index in step with every change below.
from services.catalogue.search import index as _search_index  # noqa: F401
from services.common.errors import Conflict, Unprocessable
from services.common.sql import utcnow

# A proposal whose slug a parallel one took retries with a random suffix, this many times.
_SLUG_ATTEMPTS = 3


class PublicationIncomplete(Unprocessable):
    """A fiche that lacks what publication requires."""


def _free_slug(session: Session, *, title: str, contended: bool = False) -> str:
    base = slugify(title, max_length=200) or "cas-d-usage"
    if contended:
        # Parallel proposals of this title are taking the next numbers as we look.
        return f"{base}-{secrets.token_hex(3)}"
    taken = set(session.exec(select(UseCase.slug).where(col(UseCase.slug).startswith(base))).all())
    if base not in taken:
        return base
    suffix = 2
    while f"{base}-{suffix}" in taken:
        suffix += 1
    return f"{base}-{suffix}"


def list_codes(codes: list[str] | None) -> str | None:
    """A list of codes as stored for its facet: each once, between bars ("|a|b|")."""
    unique = list(dict.fromkeys(codes or []))
    return f"|{'|'.join(unique)}|" if unique else None


def project(use_case: UseCase, content: dict[str, Any]) -> None:
    """Copy `content` into the columns that listings, facets and search read."""
    use_case.title = (content.get("title") or "Sans titre")[:150]
    use_case.summary = content.get("summary") or ""
    use_case.sort_title = use_case.title.casefold()[:150]
    for name in vocabularies.COPIED_COLUMNS:
        setattr(use_case, name, content.get(name))
    use_case.art50_codes = list_codes(content.get("art50_obligations"))
    code = content.get("local_authority_code")
    territory = (
        fiche.find_local_authority(code, content.get("local_authority_kind")) if code else None
    )
    use_case.local_authority_code = code
    use_case.local_authority_name = territory.name if territory else None
    use_case.local_authority_kind = territory.kind if territory else None
    use_case.siren = territory.siren if territory else None
    use_case.insee_code = territory.insee_code if territory else None
    use_case.region = territory.region if territory else None
    use_case.departement = (
        territory.departement if territory and territory.kind != "region" else None
    )


def _record(
    session: Session, use_case: UseCase, *, event: str, public: bool, note: str | None = None
) -> None:
    assert use_case.id is not None
    session.add(
        UseCaseVersion(
            use_case_id=use_case.id,
            number=use_case.version,
            event=event,
            status=use_case.status,
            public=public,
            content=dict(use_case.published if public and use_case.published else use_case.draft),
            note=note,
        )
    )


def _bump(use_case: UseCase) -> None:
    use_case.version += 1
    use_case.updated_at = utcnow()


def propose(
    session: Session,
    *,
    content: dict[str, Any],
    submitter_email: str | None,
    declared_by: str = "contributeur",
    is_demo: bool = False,
) -> UseCase:
    """A new fiche, submitted for moderation."""
    use_case = UseCase(
        # Unique and never a slug (slugify makes no "~"): the real one is chosen once the row
        # exists, see `_settle_slug`.
        slug=f"~{secrets.token_hex(8)}",
        status=UseCaseStatus.SUBMITTED,
        draft=content,
        submitter_email=submitter_email,
        declared_by=declared_by,
        is_demo=is_demo,
    )
    project(use_case, content)
    session.add(use_case)
    session.flush()
    _settle_slug(session, use_case, title=content.get("title") or "cas d'usage")
    _record(session, use_case, event="proposed", public=False)
    return use_case


def _settle_slug(session: Session, use_case: UseCase, *, title: str) -> None:
    """Give a new fiche the first free slug of its title, even against parallel proposals."""
    if session.get_bind().dialect.name == "sqlite":
        # The insert took SQLite's single write lock until commit: no other proposal can be
        # choosing at the same time. (pysqlite's savepoints would end the transaction early.)
        use_case.slug = _free_slug(session, title=title)
        session.flush()
        return
    for attempt in range(_SLUG_ATTEMPTS):
        try:
            # Seen under load on PostgreSQL: a parallel proposal of the same title takes the
            # slug between the check and the write; only this savepoint is undone.
            with session.begin_nested():
                use_case.slug = _free_slug(session, title=title, contended=attempt > 0)
                session.flush()
        except IntegrityError:
            continue
        return
    raise Conflict("Trop de propositions simultanées portent ce titre : réessayez.")


def _editable(use_case: UseCase) -> None:
    if use_case.status in (UseCaseStatus.REJECTED, UseCaseStatus.ARCHIVED):
        raise Conflict("Cette fiche est refusée ou archivée : elle ne peut plus être modifiée.")


def update_draft(session: Session, use_case: UseCase, *, changes: dict[str, Any]) -> UseCase:
    """Apply a contributor's or moderator's changes; a published fiche keeps its public content."""
    _editable(use_case)
    use_case.draft = {**use_case.draft, **changes}
    if use_case.published is not None and use_case.status == UseCaseStatus.PUBLISHED:
        use_case.pending_review = True
    else:
        use_case.status = UseCaseStatus.SUBMITTED
        project(use_case, use_case.draft)
    _bump(use_case)
    session.add(use_case)
    session.flush()
    _record(session, use_case, event="updated", public=False)
    return use_case


def touch(session: Session, use_case: UseCase) -> UseCase:
    """A change beside the content (the AI Act answers, saved as they come): a new version for
    the ETag, and no content version nor new date, since what the fiche says is unchanged."""
    _editable(use_case)
    use_case.version += 1
    session.add(use_case)
    session.flush()
    return use_case


def publish(session: Session, use_case: UseCase, *, note: str | None = None) -> UseCase:
    """Make the draft the public content; refused (422, field by field) when incomplete."""
    if use_case.status in (UseCaseStatus.REJECTED,):
        raise Conflict("Une fiche refusée ne peut pas être publiée.")
    errors = fiche.publication_errors(use_case.draft)
    if errors:
        raise PublicationIncomplete(
            "La fiche est incomplète : des champs sont requis pour la publier.",
            extra={"errors": errors},
        )
    use_case.published = dict(use_case.draft)
    use_case.status = UseCaseStatus.PUBLISHED
    use_case.pending_review = False
    use_case.moderation_message = None
    use_case.published_at = use_case.published_at or utcnow()
    project(use_case, use_case.published)
    _bump(use_case)
    session.add(use_case)
    session.flush()
    _record(session, use_case, event="published", public=True, note=note)
    return use_case


def request_changes(session: Session, use_case: UseCase, *, message: str) -> UseCase:
    """Send the fiche back to its contributor with a message; a published one stays online."""
    if use_case.status not in (UseCaseStatus.SUBMITTED, UseCaseStatus.PUBLISHED):
        raise Conflict(
            "Seule une fiche en attente de relecture peut être renvoyée au contributeur."
        )
    if use_case.status == UseCaseStatus.SUBMITTED:
        use_case.status = UseCaseStatus.CHANGES_REQUESTED
    use_case.moderation_message = message
    _bump(use_case)
    session.add(use_case)
    session.flush()
    _record(session, use_case, event="changes_requested", public=False, note=message)
    return use_case


def reject(session: Session, use_case: UseCase, *, message: str) -> UseCase:
    """Refuse a proposal; for a published fiche, refuse its pending update only."""
    if use_case.published is not None and use_case.status == UseCaseStatus.PUBLISHED:
        use_case.draft = dict(use_case.published)
        use_case.pending_review = False
    else:
        use_case.status = UseCaseStatus.REJECTED
    use_case.moderation_message = message
    _bump(use_case)
    session.add(use_case)
    session.flush()
    _record(session, use_case, event="rejected", public=False, note=message)
    return use_case


def withdraw(
    session: Session, use_case: UseCase, *, status: UseCaseStatus, note: str | None
) -> UseCase:
    """Retract (hidden) or archive (kept readable, out of searches) a published fiche."""
    if use_case.status != UseCaseStatus.PUBLISHED:
        raise Conflict("Seule une fiche publiée peut être dépubliée ou archivée.")
    use_case.status = status
    _bump(use_case)
    session.add(use_case)
    session.flush()
    event = "retracted" if status == UseCaseStatus.RETRACTED else "archived"
    _record(session, use_case, event=event, public=True, note=note)
    return use_case


def differences(before: dict[str, Any] | None, after: dict[str, Any]) -> list[dict[str, Any]]:
    """Field-level differences, in the order of the fiche's fields."""
    before = before or {}
    return [
        {"field": name, "before": before.get(name), "after": after.get(name)}
        for name in fiche.FIELD_NAMES
        if before.get(name) != after.get(name)
    ]
