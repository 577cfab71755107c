"""Password hashing with Argon2id (argon2-cffi's recommended parameters)."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

MIN_PASSWORD_LENGTH = 12


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash("pas un vrai mot de passe")


def verify_password(password: str, password_hash: str | None) -> bool:
    """True when `password` matches; with no hash (unknown account) still spends the same time.

    Hashing against a dummy keeps a wrong e-mail as slow as a wrong password, so timing does
    not reveal which accounts exist.
    """
    try:
        return (
            _hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
        )
    except (VerificationError, InvalidHashError):
        return False
