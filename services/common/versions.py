"""Optimistic concurrency for what staff edit: a `version` column, its ETag, and If-Match.

Every staff update names the version it was based on (`If-Match: "7"`), through the one
dependency `RequiredVersion`: without it the update is refused with 428, with a stale one with
412 and the current version, so that nobody overwrites a colleague's edit unseen. (The
respondent's autosave does not use this: it carries per-answer revisions, which merge several
agents' work instead of refusing it.)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Response

from services.common.errors import PreconditionFailed, PreconditionRequired
from services.common.openapi import answers


@dataclass(frozen=True)
class ExpectedVersion:
    """The versions an If-Match header names (`"3"`, `W/"3"`, `"2", "3"` or `*`)."""

    tags: frozenset[str]

    def check(self, version: int, *, what: str = "Cette ressource") -> None:
        """Refuse with 412 (and the current version) unless `version` is one of the tags."""
        if "*" not in self.tags and str(version) not in self.tags:
            raise PreconditionFailed(
                f"{what} a été modifiée depuis votre lecture. Rechargez-la : vos changements "
                "n'ont pas été enregistrés.",
                extra={"current_version": version},
            )


@answers(412, 428)
def expected_version(
    if_match: Annotated[
        str | None,
        Header(description="ETag de la version modifiée (obligatoire).", max_length=100),
    ] = None,
) -> ExpectedVersion:
    if if_match is None or not if_match.strip():
        raise PreconditionRequired(
            "L'en-tête If-Match (l'ETag de la version lue) est obligatoire pour modifier."
        )
    tags = frozenset(tag.strip().removeprefix("W/").strip('"') for tag in if_match.split(","))
    return ExpectedVersion(tags)


RequiredVersion = Annotated[ExpectedVersion, Depends(expected_version)]


def etag(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


def body_etag(body: bytes | str) -> str:
    """A strong ETag of a representation computed from its bytes (a list, a feed)."""
    data = body.encode() if isinstance(body, str) else body
    return f'"{hashlib.sha256(data).hexdigest()[:32]}"'


def still_fresh(if_none_match: str | None, tag: str) -> bool:
    """Whether an If-None-Match header names `tag` (RFC 9110: weak comparison, or `*`), so
    that a conditional GET is answered 304 Not Modified."""
    if not if_none_match:
        return False
    wanted = tag.removeprefix("W/")
    return any(
        candidate.strip() == "*" or candidate.strip().removeprefix("W/") == wanted
        for candidate in if_none_match.split(",")
    )


def not_modified(tag: str) -> Response:
    # Revalidated at every use (a 304 is cheap): a change shows at once.
    return Response(status_code=304, headers={"ETag": tag, "Cache-Control": "no-cache"})
