"""Automatic scheduling: start a run, follow it, apply its plan (organisers)."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks
from sqlmodel import Session, col, func, select

from services.auditions.conflicts import HARD, compute_warnings
from services.auditions.dependencies import OrganisedEventDep, SettingsDep, SolverWorkerDep
from services.auditions.draft import draft_warnings, hearings_of, load_schedule
from services.auditions.models import Event, SolverRun
from services.auditions.releases import latest_release
from services.auditions.schemas.solver import (
    Applied,
    ApplyIn,
    SolverRunIn,
    SolverRunList,
    SolverRunView,
    run_view,
)
from services.auditions.solver.apply import apply_plan
from services.auditions.solver.loader import load_instance
from services.auditions.solver.prechecks import prechecks
from services.common.database import SessionDep
from services.common.errors import Conflict, NotFound
from services.common.pagination import RowId

router = APIRouter(tags=["placement automatique"])
OVERLAPS = ("room_taken", "member_double_booked", "person_double_booked")


def _check_locks(session: Session, event: Event) -> None:
    """Locked hearings the solver may not move must not clash with one another."""
    schedule = load_schedule(session, event)
    locked = _locked_ids(session, event)
    clashes = [
        w
        for w in compute_warnings(schedule)
        if w.severity == HARD
        and w.kind in OVERLAPS
        and w.hearing_id in locked
        and w.other_hearing_id in locked
    ]
    if clashes:
        raise Conflict(
            "Des auditions verrouillées se chevauchent : "
            + " ; ".join(sorted({w.message for w in clashes}))
            + " Déverrouillez ou déplacez l'une d'elles avant le calcul.",
            extra={"hearing_ids": sorted({w.hearing_id for w in clashes})},
        )


def _locked_ids(session: Session, event: Event) -> set[int]:
    assert event.id is not None
    return {h.id for h in hearings_of(session, event.id) if h.locked and not h.cancelled and h.id}


@router.post(
    "/events/{event_id}/solver-runs",
    status_code=202,
    responses={409: {"description": "Rien à placer, verrous contradictoires, pas de version"}},
)
def start_run(
    event: OrganisedEventDep,
    body: SolverRunIn,
    session: SessionDep,
    settings: SettingsDep,
    worker: SolverWorkerDep,
    background: BackgroundTasks,
) -> SolverRunView:
    """Lance un calcul de planning en arrière-plan ; les vérifications préalables sont jointes."""
    assert event.id is not None
    if body.time_limit_seconds > settings.solver.max_seconds:
        raise Conflict(f"La durée maximale d'un calcul est de {settings.solver.max_seconds} s.")
    if body.kind == "repair" and latest_release(session, event.id) is None:
        raise Conflict("Aucune version publiée : lancez un calcul de planning, pas une réparation.")
    _check_locks(session, event)
    instance = load_instance(session, event, kind=body.kind)
    if not instance.tasks:
        raise Conflict("Aucune audition à placer : toutes sont annulées ou verrouillées.")
    run = SolverRun(
        event_id=event.id,
        kind=body.kind,
        time_limit_seconds=body.time_limit_seconds,
        random_seed=body.random_seed,
        prechecks=[f.as_json() for f in prechecks(instance)],
    )
    session.add(run)
    session.flush()
    if worker is not None:
        # Background tasks run after the response, so after the session dependency (scope
        # "function") has committed: the worker woken here sees the run.
        background.add_task(worker.wake)
    return run_view(session, run)


@router.get("/events/{event_id}/solver-runs")
def list_runs(event: OrganisedEventDep, session: SessionDep) -> SolverRunList:
    """Les derniers calculs de l'événement (sans le détail des plans)."""
    runs = session.exec(
        select(SolverRun)
        .where(SolverRun.event_id == event.id)
        .order_by(col(SolverRun.id).desc())
        .limit(20)
    ).all()
    total = session.exec(
        select(func.count()).select_from(SolverRun).where(SolverRun.event_id == event.id)
    ).one()
    return SolverRunList(items=[run_view(session, r, with_rows=False) for r in runs], total=total)


def _run(session: Session, event: Event, run_id: int) -> SolverRun:
    run = session.get(SolverRun, run_id)
    if run is None or run.event_id != event.id:
        raise NotFound(f"Aucun calcul n° {run_id} pour cet événement.")
    return run


@router.get("/events/{event_id}/solver-runs/{run_id}")
def read_run(event: OrganisedEventDep, run_id: RowId, session: SessionDep) -> SolverRunView:
    """Avancement, meilleur plan trouvé, objectif et borne, auditions laissées de côté."""
    return run_view(session, _run(session, event, run_id))


@router.post(
    "/events/{event_id}/solver-runs/{run_id}/apply",
    responses={409: {"description": "Pas de plan, ou planning modifié depuis le calcul"}},
)
def apply_run(
    event: OrganisedEventDep, run_id: RowId, body: ApplyIn, session: SessionDep
) -> Applied:
    """Reporte le plan dans le planning en cours, en entier ou pour les auditions choisies."""
    run = _run(session, event, run_id)
    placed, unplaced = apply_plan(session, run, body.hearing_ids)
    hard = sum(1 for w in draft_warnings(session, event) if w.severity == HARD)
    return Applied(applied=placed, unplaced=unplaced, hard_warnings=hard)
