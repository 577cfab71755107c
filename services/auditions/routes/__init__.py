"""The hearings service's routes, one module per resource; `routers` in inclusion order."""

from __future__ import annotations

from services.auditions.routes import (
    actors,
    agenda,
    attachments,
    availability,
    events,
    hearings,
    invitations,
    members,
    minutes,
    releases,
    replies,
    rooms,
    solver,
)

routers = [
    agenda.router,
    events.router,
    actors.router,
    invitations.router,
    availability.router,
    hearings.router,
    releases.router,
    replies.router,
    rooms.router,
    members.router,
    minutes.router,
    attachments.router,
    solver.router,
]
