"""Private links: the random tokens sent by e-mail that open one resource without an account.

A contributor's edit link (catalogue), a local authority's response link (survey), a heard
organisation's availability link and a calendar feed (auditions) all work the same way:
- `issue()` draws a token of 32 random bytes; only its SHA-256 (`digest_of`) is stored, so a
  copy of the database opens nothing;
- `find()` looks a row up by that digest (an indexed, unique column) and compares in constant
  time, so an unknown token costs what a known one costs;
- `revoked_digest()` is what a revoked link's column holds where it may not be NULL: unique, and
  never the digest of any token (a digest is hexadecimal), so a revoked link stays dead.
A link lives as long as what it opens: each service's retention (`iat-admin retention apply`)
deletes or revokes the links of a closed fiche, campaign or event some days after it closed.

A link is presented as `Authorization: PrivateLink <token>`, a scheme of its own: it can never
be taken for a staff token (`Bearer`), nor a staff token for a link. The pages read the token
from the address's fragment (`#…`), which never reaches a server log.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials
from fastapi.security.http import HTTPBase
from sqlmodel import Session, select

from services.common.errors import Unauthorized
from services.common.openapi import answers

SCHEME = "PrivateLink"
TOKEN_BYTES = 32
REVOKED_PREFIX = "revoked:"

T = TypeVar("T")


@dataclass(frozen=True)
class NewLink:
    """A fresh link: the token goes into the e-mail, the digest into the database."""

    token: str
    digest: str


def issue() -> NewLink:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return NewLink(token=token, digest=digest_of(token))


def digest_of(token: str) -> str:
    # surrogatepass: a token with a lone surrogate is simply unknown, never a crash.
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def matches(stored: str | None, digest: str) -> bool:
    """True when a stored digest is this one, compared in constant time."""
    return stored is not None and hmac.compare_digest(stored, digest)


def find(session: Session, model: type[T], field: str, token: str) -> T | None:
    """The row of `model` whose column `field` holds the token's digest, or None."""
    digest = digest_of(token)
    column = getattr(model, field)
    row = session.exec(select(model).where(column == digest)).first()
    if row is None or not matches(getattr(row, field), digest):
        return None
    return row


def revoked_digest() -> str:
    """A unique value for a revoked link's column, which no token's digest can equal."""
    return REVOKED_PREFIX + secrets.token_hex(28)


_scheme = HTTPBase(
    scheme=SCHEME,
    scheme_name="LienPrivé",
    description=(
        "Le jeton d'un lien privé reçu par courriel (la partie après # de l'adresse), "
        "dans l'en-tête `Authorization: PrivateLink <jeton>`."
    ),
    auto_error=False,
)


def presented_link(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_scheme)],
) -> str | None:
    """The token of the request's private link, or None when it presents none."""
    if credentials is None or credentials.scheme.lower() != SCHEME.lower():
        return None
    token = credentials.credentials.strip()
    return token or None


@answers(401, demands_credentials=True)
def required_link(token: Annotated[str | None, Depends(presented_link)]) -> str:
    if token is None:
        raise Unauthorized(
            f"Le jeton du lien privé est requis (en-tête Authorization: {SCHEME} <jeton>).",
            scheme=SCHEME,
        )
    return token


OptionalLinkToken = Annotated[str | None, Depends(presented_link)]
LinkToken = Annotated[str, Depends(required_link)]
