"""HTTP routes of the catalogue, one module per audience."""

from __future__ import annotations

from fastapi import APIRouter

from services.catalogue.routes import (
    ai_act,
    ai_act_documents,
    contributions,
    follow,
    moderation,
    opendata,
    public,
    qualification,
)


def routers() -> list[APIRouter]:
    return [
        module.router
        # `follow` first: its /use-cases/changes must come before /use-cases/{use_case_id}.
        for module in (
            follow,
            public,
            contributions,
            moderation,
            opendata,
            ai_act,
            qualification,
            ai_act_documents,
        )
    ]
