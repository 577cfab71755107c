"""A plan seen through the warnings code (conflicts.py), independent of the solver."""

from __future__ import annotations

from dataclasses import replace

from services.auditions.conflicts import HARD, Schedule, Warning, compute_warnings
from services.auditions.solver.instance import Instance
from services.auditions.solver.model import Plan


def planned_schedule(instance: Instance, plan: Plan) -> Schedule:
    """The draft as it would be with `plan` applied in full (left-out hearings unplaced)."""
    proposals = {p.hearing_id: p for p in plan.proposals}
    left_out = {hearing_id for hearing_id, _ in plan.unplaced}
    placements = []
    for placement in instance.schedule.placements:
        proposal = proposals.get(placement.hearing_id)
        if proposal is not None:
            placement = replace(
                placement,
                start=instance.grid.at(proposal.start),
                room_id=proposal.room_id,
                member_ids=frozenset(proposal.member_ids),
            )
        elif placement.hearing_id in left_out:
            placement = replace(placement, start=None, room_id=None)
        placements.append(placement)
    return replace(instance.schedule, placements=tuple(placements))


def hard_warnings(instance: Instance, plan: Plan) -> list[Warning]:
    return [w for w in compute_warnings(planned_schedule(instance, plan)) if w.severity == HARD]
