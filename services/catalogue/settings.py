"""Catalogue settings: environment variables prefixed `CATALOGUE_`."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from services.common.settings import ServiceSettings


class CatalogueSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CATALOGUE_", extra="ignore")

    database_url: str = "sqlite:///var/catalogue.db"


def get_settings() -> CatalogueSettings:
    return CatalogueSettings()
