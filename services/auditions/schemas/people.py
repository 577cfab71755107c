"""Commission members, heard organisations (actors) and their contact people."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from pydantic import (
    BaseModel,
    Field,
)
from sqlmodel import Session, col, select

from services.auditions.models import Actor, Contact, Invitation, PanelMember
from services.auditions.schemas.common import EMAIL_PATTERN, ActorKind, MemberRole, WindowIn
from services.common.text import InputModel


class MemberIn(InputModel):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(max_length=320, pattern=EMAIL_PATTERN)
    role: MemberRole
    theme_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    unavailability: list[WindowIn] = Field(default_factory=list, max_length=200)


class MemberView(BaseModel):
    id: int
    name: str
    email: str
    role: str
    theme_id: int | None
    unavailability: list[list[datetime]]
    # The version to send back in If-Match when editing the member.
    version: int


class ContactIn(InputModel):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(max_length=320, pattern=EMAIL_PATTERN)


class ActorIn(InputModel):
    name: str = Field(min_length=1, max_length=200)
    kind: ActorKind
    contacts: list[ContactIn] = Field(default_factory=list, max_length=20)


class ContactView(BaseModel):
    id: int
    name: str
    email: str


class ActorView(BaseModel):
    id: int
    name: str
    kind: str
    contacts: list[ContactView]
    invitation_status: str | None
    # From the answers received (the largest delegation announced).
    delegation_size: int | None = None
    mode: str | None = None
    # Each answering person's windows (yes / maybe); the actor is free where all of them are.
    availability: list[list[dict[str, str]]] = Field(default_factory=list)


def member_view(member: PanelMember) -> MemberView:
    return MemberView.model_validate({**member.model_dump(exclude={"feed_token_hash", "event_id"})})


def actor_views(session: Session, event_id: int, only: int | None = None) -> list[ActorView]:
    """The event's actors with their contacts and answers, in three queries."""
    query = select(Actor).where(Actor.event_id == event_id).order_by(col(Actor.name), col(Actor.id))
    if only is not None:
        query = query.where(Actor.id == only)
    actors = session.exec(query).all()
    ids = [a.id for a in actors]
    contacts: dict[int, list[ContactView]] = defaultdict(list)
    for contact in session.exec(
        select(Contact).where(col(Contact.actor_id).in_(ids)).order_by(col(Contact.id))
    ):
        contacts[contact.actor_id].append(ContactView.model_validate(contact, from_attributes=True))
    invitations: dict[int, list[Invitation]] = defaultdict(list)
    for invitation in session.exec(select(Invitation).where(col(Invitation.actor_id).in_(ids))):
        invitations[invitation.actor_id].append(invitation)
    views = []
    for actor in actors:
        assert actor.id is not None
        mine = invitations[actor.id]
        answered = [i for i in mine if i.status == "answered"]
        status = "answered" if answered else (mine[0].status if mine else None)
        views.append(
            ActorView(
                id=actor.id,
                name=actor.name,
                kind=actor.kind,
                contacts=contacts[actor.id],
                invitation_status=status,
                delegation_size=max((i.delegation_size or 0 for i in answered), default=None),
                mode=answered[0].mode if answered else None,
                availability=[i.availability for i in mine if i.status in ("answered", "declined")],
            )
        )
    return views
