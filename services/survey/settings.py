"""Survey settings: environment variables prefixed `SURVEY_`."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from services.common.settings import ServiceSettings


class SurveySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SURVEY_", extra="ignore")

    database_url: str = "sqlite:///var/survey.db"


def get_settings() -> SurveySettings:
    return SurveySettings()
