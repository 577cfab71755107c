"""How e-mail leaves the services: `MAIL_` environment variables, shared by all three."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class MailSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MAIL_", extra="ignore")

    # Without an SMTP host, messages are written as .eml files into `folder` (the demo).
    smtp_host: str | None = None
    smtp_port: int = Field(587, ge=1, le=65535)
    smtp_security: Literal["none", "starttls", "ssl"] = "starttls"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout_seconds: float = Field(15.0, gt=0)
    folder: str = "var/mail"
    from_address: str = "Intelligences associées des territoires <ne-pas-repondre@example.org>"
    # The public site's address, from which the links that e-mails carry are built.
    site_url: str = "http://localhost:8000"
    # The background loop of each service; off, only `iat-admin mail deliver` sends.
    worker: bool = True
    poll_seconds: float = Field(2.0, gt=0)
    max_attempts: int = Field(8, ge=1)
    retry_base_seconds: float = Field(30.0, gt=0)
    retry_max_seconds: float = Field(3600.0, gt=0)

    def link(self, path: str) -> str:
        """An absolute address on the public site for `path` (which starts with '/')."""
        return self.site_url.rstrip("/") + path
