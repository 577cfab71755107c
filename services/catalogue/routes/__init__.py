"""HTTP routes of the catalogue, one module per audience."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool

from services.catalogue.routes import contributions, moderation, opendata, public
from services.catalogue.search_index import ensure_search_index, search_index_ready


async def _search_index(request: Request) -> None:
    # Async, so that the usual case (already made sure of) costs no trip to a worker thread.
    engine = request.app.state.engine
    if not search_index_ready(engine):
        await run_in_threadpool(ensure_search_index, engine)


def routers() -> list[APIRouter]:
    # Every route may read the index (searches) or write rows it mirrors: make sure it exists.
    shared = APIRouter(dependencies=[Depends(_search_index)])
    for module in (public, contributions, moderation, opendata):
        shared.include_router(module.router)
    return [shared]
