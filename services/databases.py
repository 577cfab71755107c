"""The four databases of the project, for the tools that handle them all.

Alembic's environment, the `iat-admin` CLI and the tests read this list; the services never
do (each knows only its own database and the accounts store).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import MetaData, Table
from sqlmodel import Session

from services.auditions.models import AuditionsModel
from services.auditions.models import outbox as auditions_outbox
from services.auditions.seed import seed_auditions
from services.auditions.settings import get_settings as auditions_settings
from services.catalogue.models import CatalogueModel
from services.catalogue.models import outbox as catalogue_outbox
from services.catalogue.seed import seed_catalogue
from services.catalogue.settings import get_settings as catalogue_settings
from services.common.auth.models import AccountsModel
from services.common.settings import AuthSettings
from services.survey.models import SurveyModel
from services.survey.models import outbox as survey_outbox
from services.survey.seed import seed_survey
from services.survey.settings import get_settings as survey_settings


@dataclass(frozen=True)
class Database:
    metadata: MetaData
    # Read from the environment when called, never at import time.
    url: Callable[[], str]
    seed: Callable[[Session], int] | None = None
    outbox: Table | None = None
    # Objects a migration creates that no model declares (a full-text index): Alembic's
    # comparison of models and database leaves them alone.
    unmanaged: frozenset[str] = frozenset()


DATABASES: dict[str, Database] = {
    "catalogue": Database(
        CatalogueModel.metadata,
        lambda: catalogue_settings().database_url,
        seed_catalogue,
        catalogue_outbox,
    ),
    "survey": Database(
        SurveyModel.metadata, lambda: survey_settings().database_url, seed_survey, survey_outbox
    ),
    "auditions": Database(
        AuditionsModel.metadata,
        lambda: auditions_settings().database_url,
        seed_auditions,
        auditions_outbox,
    ),
    "accounts": Database(AccountsModel.metadata, lambda: AuthSettings().database_url),
}
