"""Types the request models share: moments, local times, windows, row references."""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    Field,
    model_validator,
)

from services.common.text import InputModel

RoomKind = Literal["physical", "video"]
Mode = Literal["in_person", "remote", "hybrid"]
MemberRole = Literal["president", "rapporteur", "member", "council"]
ActorKind = Literal[
    "company", "research", "association", "state_agency", "local_authority", "other"
]
Answer = Literal["yes", "maybe"]
MinutesStatus = Literal["draft", "validated", "published"]
Visibility = Literal["internal", "public"]
RowRef = Annotated[int, Field(ge=1, le=2**31 - 1)]


def _plausible(value: datetime) -> datetime:
    # Far years overflow once shifted to local time or lengthened by a duration.
    if not 1900 <= value.year <= 2200:
        raise ValueError("date hors de la plage acceptée (1900-2200)")
    return value


Moment = Annotated[AwareDatetime, AfterValidator(_plausible)]


def _wall_clock(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError("heure locale attendue, sans fuseau (le fuseau est celui de l'événement)")
    return value


LocalTime = Annotated[time, AfterValidator(_wall_clock)]
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class WindowIn(InputModel):
    start: Moment
    end: Moment

    @model_validator(mode="after")
    def _ordered(self) -> WindowIn:
        if self.end <= self.start:
            raise ValueError("la fin doit suivre le début")
        return self


class AnswerWindowIn(WindowIn):
    answer: Answer = "yes"
