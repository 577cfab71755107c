"""The sign-in form of `POST /auth/token`: OAuth 2's password grant, each field bounded.

FastAPI's OAuth2PasswordRequestForm takes text of any length; a password of a megabyte would be
hashed as such (argon2 takes time and memory per byte). Beyond these bounds the answer is a 422,
before any sign-in is attempted.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Form
from fastapi.security import OAuth2PasswordRequestForm

# Far beyond any address (254 characters at most): a long but valid name still reaches the
# sign-in and counts as a failed attempt, as before (tests/common/test_auth.py).
MAX_USERNAME = 8192
MAX_PASSWORD = 4096
MAX_SCOPE = 1000
MAX_CLIENT = 200


class SignInForm(OAuth2PasswordRequestForm):
    def __init__(
        self,
        *,
        grant_type: Annotated[str | None, Form(pattern="^password$", max_length=8)] = None,
        username: Annotated[str, Form(max_length=MAX_USERNAME)],
        password: Annotated[
            str, Form(max_length=MAX_PASSWORD, json_schema_extra={"format": "password"})
        ],
        scope: Annotated[str, Form(max_length=MAX_SCOPE)] = "",
        client_id: Annotated[str | None, Form(max_length=MAX_CLIENT)] = None,
        client_secret: Annotated[
            str | None, Form(max_length=MAX_CLIENT, json_schema_extra={"format": "password"})
        ] = None,
    ) -> None:
        super().__init__(
            grant_type=grant_type,
            username=username,
            password=password,
            scope=scope,
            client_id=client_id,
            client_secret=client_secret,
        )
