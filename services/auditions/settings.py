"""Auditions settings: environment variables prefixed `AUDITIONS_`."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.common.settings import ServiceSettings

# A run longer than five minutes would hold a replica's cores for nothing: the reference
# finds a good plan in 30-60 s on two cores.
MAX_SECONDS = 300


class SolverSettings(BaseSettings):
    """The automatic scheduling (services.auditions.solver): a background worker per replica."""

    model_config = SettingsConfigDict(env_prefix="AUDITIONS_SOLVER_", extra="ignore")

    worker: bool = True
    poll_seconds: float = Field(default=1.0, gt=0)
    # A replica owns a run this long after its last sign of life, then another may take it.
    lease_seconds: int = Field(default=30, ge=5)
    # CP-SAT threads per run; more than the cores does not help (MACHINE-NOTES.md).
    threads: int = Field(default=2, ge=1, le=16)
    # A deployment may lower the API's cap on a run's time limit, never raise it.
    max_seconds: int = Field(default=MAX_SECONDS, ge=1, le=MAX_SECONDS)


class AuditionsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="AUDITIONS_", extra="ignore")

    database_url: str = "sqlite:///var/auditions.db"
    # The ORGANIZER of the invitations, where calendar clients send their answers (iMIP
    # REPLY): a mailbox the secretariat reads, never the no-reply sender. An event may
    # name its own (its `organizer_email`).
    organizer_email: str = Field(
        default="secretariat-auditions@example.org", max_length=320, pattern=r"^[^@\s]+@[^@\s]+$"
    )
    solver: SolverSettings = Field(default_factory=SolverSettings)


def get_settings() -> AuditionsSettings:
    return AuditionsSettings()
