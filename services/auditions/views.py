"""Rows shown through their API shapes; private fields stay out of public views."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlmodel import Session, col, select

from services.auditions.conflicts import Warning
from services.auditions.models import Event, Hearing, PanelMember, Room, Theme
from services.auditions.schemas import (
    EventDetail,
    EventPublic,
    HearingView,
    MemberView,
    RoomPublic,
    ThemePublic,
    WarningView,
)


def event_public(event: Event) -> EventPublic:
    return EventPublic.model_validate(event, from_attributes=True)


def _hhmm(value: time | None) -> str | None:
    return None if value is None else value.strftime("%H:%M")


def event_detail(session: Session, event: Event) -> EventDetail:
    rooms = session.exec(select(Room).where(Room.event_id == event.id).order_by(col(Room.id))).all()
    themes = session.exec(
        select(Theme).where(Theme.event_id == event.id).order_by(col(Theme.position), col(Theme.id))
    ).all()
    return EventDetail(
        **event_public(event).model_dump(),
        excluded_dates=[date.fromisoformat(d) for d in event.excluded_dates],
        exclude_weekends=event.exclude_weekends,
        day_start=_hhmm(event.day_start) or "",
        day_end=_hhmm(event.day_end) or "",
        lunch_start=_hhmm(event.lunch_start),
        lunch_end=_hhmm(event.lunch_end),
        grid_minutes=event.grid_minutes,
        buffer_minutes=event.buffer_minutes,
        rooms=[RoomPublic.model_validate(r, from_attributes=True) for r in rooms],
        themes=[ThemePublic.model_validate(t, from_attributes=True) for t in themes],
    )


def hearing_view(hearing: Hearing) -> HearingView:
    assert hearing.id is not None
    ends = (
        hearing.starts_at + timedelta(minutes=hearing.duration_minutes)
        if hearing.starts_at is not None
        else None
    )
    return HearingView(
        **hearing.model_dump(exclude={"event_id"}),
        ends_at=ends,
    )


def member_view(member: PanelMember) -> MemberView:
    return MemberView.model_validate({**member.model_dump(exclude={"feed_token_hash", "event_id"})})


def warning_view(warning: Warning) -> WarningView:
    return WarningView(
        kind=warning.kind,
        severity=warning.severity,
        hearing_id=warning.hearing_id,
        message=warning.message,
        other_hearing_id=warning.other_hearing_id,
        member_id=warning.member_id,
        room_id=warning.room_id,
    )
