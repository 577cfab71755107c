"""HTTP routes of the survey service, one module per resource (or audience of one).

`routers` gathers them. It is built on first access (PEP 562), not when the package is
imported: importing one route module, the respondent's `routes.answering` above all, must not
load the others (the observatory's NumPy and SciPy would come with them). The app reads
`routers` when it is built, as in the other services.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import APIRouter

__all__ = ["routers"]


def __getattr__(name: str) -> list[APIRouter]:
    if name != "routers":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from services.survey.routes import analysis, answering, campaigns, observatory, questionnaires

    return [
        campaigns.router,
        questionnaires.router,
        answering.router,
        analysis.router,
        analysis.history_router,
        observatory.router,
        observatory.peers_router,
    ]
