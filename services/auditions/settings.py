"""Auditions settings: environment variables prefixed `AUDITIONS_`."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from services.common.settings import ServiceSettings


class AuditionsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="AUDITIONS_", extra="ignore")

    database_url: str = "sqlite:///var/auditions.db"


def get_settings() -> AuditionsSettings:
    return AuditionsSettings()
