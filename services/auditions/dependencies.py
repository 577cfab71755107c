"""Lookups and checks shared by the hearings service's routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.auditions.models import Event, Hearing, PanelMember
from services.auditions.public_agenda import RenderCache
from services.auditions.settings import AuditionsSettings
from services.auditions.solver.worker import SolverWorker
from services.common.auth.dependencies import require
from services.common.auth.principal import Principal
from services.common.database import SessionDep
from services.common.errors import NotFound
from services.common.pagination import RowId
from services.common.settings import settings_dependency

Organiser = Annotated[Principal, Depends(require(role="organiser"))]


def published_event(session: SessionDep, event_id: RowId) -> Event:
    """A published event; those being prepared are invisible to the public."""
    event = session.get(Event, event_id)
    if event is None or not event.published:
        raise NotFound(f"Aucun événement publié n° {event_id}.")
    return event


def organised_event(session: SessionDep, event_id: RowId, _: Organiser) -> Event:
    """Any event, for organisers."""
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound(f"Aucun événement n° {event_id}.")
    return event


PublishedEventDep = Annotated[Event, Depends(published_event)]
OrganisedEventDep = Annotated[Event, Depends(organised_event)]


def event_hearing(session: SessionDep, event: OrganisedEventDep, hearing_id: RowId) -> Hearing:
    hearing = session.get(Hearing, hearing_id)
    if hearing is None or hearing.event_id != event.id:
        raise NotFound(f"Aucune audition n° {hearing_id} dans cet événement.")
    return hearing


HearingDep = Annotated[Hearing, Depends(event_hearing)]


def event_member(session: SessionDep, event: OrganisedEventDep, member_id: RowId) -> PanelMember:
    member = session.get(PanelMember, member_id)
    if member is None or member.event_id != event.id:
        raise NotFound("Membre inconnu.")
    return member


MemberDep = Annotated[PanelMember, Depends(event_member)]
SettingsDep = Annotated[AuditionsSettings, Depends(settings_dependency(AuditionsSettings))]


def agenda_cache(request: Request) -> RenderCache:
    """The app's cache of rendered public agendas (services.auditions.public_agenda)."""
    cache: RenderCache = request.app.state.agenda_cache
    return cache


def solver_worker(request: Request) -> SolverWorker | None:
    """This replica's solver worker, or None when it runs without one."""
    worker: SolverWorker | None = getattr(request.app.state, "solver_worker", None)
    return worker


AgendaCacheDep = Annotated[RenderCache, Depends(agenda_cache)]
SolverWorkerDep = Annotated[SolverWorker | None, Depends(solver_worker)]
