"""HTTP routes of the catalogue, one module per audience."""

from __future__ import annotations

from fastapi import APIRouter

from services.catalogue.routes import (
    ai_act,
    ai_act_documents,
    contributions,
    moderation,
    opendata,
    public,
    qualification,
)


def routers() -> list[APIRouter]:
    return [
        module.router
        for module in (
            public,
            contributions,
            moderation,
            opendata,
            ai_act,
            qualification,
            ai_act_documents,
        )
    ]
