"""The proof of work of the anonymous forms (ALTCHA): no third party, no cookie.

`GET /proof-of-work` hands out a challenge signed with a key derived from the services' shared
secret, valid `ALTCHA_EXPIRY_SECONDS`. The page's widget solves it (the `altcha` npm package)
and the form sends the solution in the `Altcha` header; the anonymous route verifies it here
(the `altcha` PyPI package) before anything is counted or saved. A solved challenge serves
once: its signature is recorded in the accounts store (services.common.rate_limits), so every
service and replica refuses its replay until it has expired anyway.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Annotated

import altcha
from fastapi import APIRouter, Header, Request, Response
from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from services.common.errors import Forbidden
from services.common.rate_limits import RateLimiter
from services.common.settings import ProofOfWorkSettings, Rule, ServiceSettings

HEADER = "Altcha"
BUCKET = "proof_of_work"
MAX_PAYLOAD = 4000

MISSING = (
    "Preuve de travail manquante : demandez un défi (GET /proof-of-work), résolvez-le et "
    "envoyez la solution dans l'en-tête Altcha."
)
INVALID = "Preuve de travail invalide : demandez un nouveau défi et résolvez-le."
EXPIRED = "Le défi a expiré : demandez-en un nouveau."
REPLAYED = "Ce défi a déjà servi : demandez-en un nouveau pour chaque envoi."


class ProofOfWorkRefused(Forbidden):
    slug = "proof-of-work"


class ChallengeParameters(BaseModel):
    """ALTCHA's wire format (camelCase), which the widget reads as is."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    algorithm: str
    nonce: str
    salt: str
    cost: int
    key_length: int
    key_prefix: str
    expires_at: int


class ProofOfWorkChallenge(BaseModel):
    parameters: ChallengeParameters
    signature: str


def _secret(settings: ServiceSettings) -> str:
    # Its own key, derived from the shared secret: a challenge can never pass for a token.
    key = settings.auth.signing_key().encode()
    return hmac.new(key, b"altcha-challenge", hashlib.sha256).hexdigest()


def issue(settings: ServiceSettings) -> ProofOfWorkChallenge:
    rules: ProofOfWorkSettings = settings.proof_of_work
    challenge = altcha.create_challenge(
        rules.algorithm,
        rules.cost,
        key_prefix=rules.key_prefix,
        expires_at=int(time.time()) + rules.expiry_seconds,
        hmac_secret=_secret(settings),
    )
    return ProofOfWorkChallenge.model_validate(challenge.to_dict())


def verify(request: Request, payload: str | None) -> None:
    """Refuse with 403 unless `payload` solves an unexpired challenge of ours, unused so far."""
    settings: ServiceSettings = request.app.state.settings
    if not settings.proof_of_work.enabled:
        return
    if not payload:
        raise ProofOfWorkRefused(MISSING)
    try:
        result = altcha.verify_solution(payload.strip(), _secret(settings))
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise ProofOfWorkRefused(INVALID) from error
    if result.expired:
        raise ProofOfWorkRefused(EXPIRED)
    if not result.verified:
        raise ProofOfWorkRefused(INVALID)
    limiter: RateLimiter = request.app.state.rate_limiter
    once = Rule(max_hits=1, window_seconds=settings.proof_of_work.expiry_seconds)
    signature = altcha.Payload.from_base64(payload.strip()).challenge.signature or ""
    if limiter.admit(BUCKET, signature, once) is not None:
        raise ProofOfWorkRefused(REPLAYED)


ProofOfWorkHeader = Annotated[
    str | None,
    Header(
        alias=HEADER,
        max_length=MAX_PAYLOAD,
        description="Solution du défi de preuve de travail (GET /proof-of-work), "
        "exigée des envois anonymes.",
    ),
]

# What a route protected by `verify` documents.
PROOF_OF_WORK_REFUSED: dict[int | str, dict[str, object]] = {
    403: {"description": "Preuve de travail manquante, invalide, expirée ou déjà utilisée"}
}


def proof_of_work_router() -> APIRouter:
    router = APIRouter(tags=["exploitation"])

    @router.get("/proof-of-work")
    def challenge(request: Request, response: Response) -> ProofOfWorkChallenge:
        """Un défi de preuve de travail (ALTCHA), à résoudre avant un envoi anonyme."""
        response.headers["Cache-Control"] = "no-store"
        settings: ServiceSettings = request.app.state.settings
        return issue(settings)

    return router
