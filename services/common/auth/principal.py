"""Who a request acts for, whatever proved it (staff token, API token or OpenID Connect)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

PrincipalKind = Literal["staff", "api_token", "oidc"]


@dataclass(frozen=True)
class Principal:
    subject: str
    kind: PrincipalKind
    email: str | None = None
    name: str | None = None
    roles: tuple[str, ...] = ()
    scopes: tuple[str, ...] = field(default=())

    def has_role(self, role: str) -> bool:
        """Admins hold every role."""
        return role in self.roles or "admin" in self.roles

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes
