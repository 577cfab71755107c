"""Rules on staff accounts and API tokens; callers pass the accounts session and commit."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from services.common.auth.models import ROLES, ApiToken, StaffAccount
from services.common.auth.passwords import MIN_PASSWORD_LENGTH, hash_password
from services.common.errors import BadRequest, Conflict, NotFound
from services.common.sql import utcnow

SERVICES = ("catalogue", "survey", "auditions")
SCOPE_PATTERN = re.compile(rf"^({'|'.join(SERVICES)}):(read|write)$")
MAX_EMAIL_LENGTH = 254
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _check_roles(roles: Iterable[str]) -> list[str]:
    chosen = sorted(set(roles))
    unknown = [role for role in chosen if role not in ROLES]
    if unknown or not chosen:
        raise BadRequest(f"Rôles invalides : {unknown or 'aucun'}. Rôles possibles : {ROLES}.")
    return chosen


def is_valid_email(email: str) -> bool:
    return (
        len(email) <= MAX_EMAIL_LENGTH and "\x00" not in email and bool(EMAIL_PATTERN.match(email))
    )


def find_staff(session: Session, *, email: str) -> StaffAccount | None:
    if not is_valid_email(normalise_email(email)):
        return None  # no stored account can match, and some databases refuse the value
    statement = select(StaffAccount).where(StaffAccount.email == normalise_email(email))
    return session.exec(statement).first()


def create_staff(
    session: Session, *, email: str, name: str, password: str, roles: Iterable[str]
) -> StaffAccount:
    email = normalise_email(email)
    if not is_valid_email(email):
        raise BadRequest(f"Adresse e-mail invalide : {email!r}.")
    if find_staff(session, email=email) is not None:
        raise Conflict(f"Un compte existe déjà pour {email}.")
    account = StaffAccount(
        email=email,
        name=name.strip() or email,
        password_hash=_check_password(password),
        roles=" ".join(_check_roles(roles)),
    )
    session.add(account)
    session.flush()
    return account


def _check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise BadRequest(f"Le mot de passe doit compter au moins {MIN_PASSWORD_LENGTH} caractères.")
    return hash_password(password)


def reset_staff(
    session: Session, *, email: str, password: str, roles: Iterable[str]
) -> StaffAccount:
    """Give an existing account a new password and roles, and enable it."""
    account = find_staff(session, email=email)
    if account is None:
        raise NotFound(f"Aucun compte pour {email}.")
    account.password_hash = _check_password(password)
    account.roles = " ".join(_check_roles(roles))
    account.disabled_at = None
    account.token_generation += 1
    session.add(account)
    session.flush()
    return account


def list_staff(session: Session) -> Sequence[StaffAccount]:
    return session.exec(select(StaffAccount).order_by(col(StaffAccount.email))).all()


def set_staff_disabled(session: Session, *, email: str, disabled: bool) -> StaffAccount:
    account = find_staff(session, email=email)
    if account is None:
        raise NotFound(f"Aucun compte pour {email}.")
    account.disabled_at = utcnow() if disabled else None
    account.token_generation += 1
    session.add(account)
    session.flush()
    return account


def create_api_token(session: Session, *, name: str, scopes: Iterable[str], days: int) -> ApiToken:
    chosen = sorted(set(scopes))
    invalid = [scope for scope in chosen if not SCOPE_PATTERN.match(scope)]
    if invalid or not chosen:
        raise BadRequest(
            f"Portées invalides : {invalid or 'aucune'} (attendu : <service>:read|write)."
        )
    if not 1 <= days <= 366:
        raise BadRequest("La durée d'un jeton va de 1 à 366 jours.")
    token = ApiToken(
        id=secrets.token_hex(16),
        name=name,
        scopes=" ".join(chosen),
        expires_at=utcnow() + timedelta(days=days),
    )
    session.add(token)
    session.flush()
    return token


def list_api_tokens(session: Session) -> Sequence[ApiToken]:
    return session.exec(select(ApiToken).order_by(col(ApiToken.created_at))).all()


def revoke_api_token(session: Session, *, token_id: str) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(f"Aucun jeton {token_id}.")
    token.revoked_at = token.revoked_at or utcnow()
    session.add(token)
    session.flush()
    return token


def is_active(token: ApiToken, *, now: datetime) -> bool:
    return token.revoked_at is None and token.expires_at > now
