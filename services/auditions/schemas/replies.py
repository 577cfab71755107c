"""Answers to the invitations, as the organisers' console shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

PartStat = Literal["NEEDS-ACTION", "ACCEPTED", "DECLINED", "TENTATIVE"]


class AttendeeStatus(BaseModel):
    name: str
    email: str
    # member (of the commission) or contact (of an organisation heard)
    kind: Literal["member", "contact"]
    # NEEDS-ACTION until an answer is imported (RFC 5545 PARTSTAT).
    partstat: PartStat
    answered_sequence: int | None
    # False when the answer is to an earlier version of the invitation.
    current: bool
    replied_at: datetime | None
    comment: str | None


class HearingParticipation(BaseModel):
    hearing_id: int
    title: str
    starts_at: datetime
    sequence: int
    attendees: list[AttendeeStatus]


class ImportedReply(BaseModel):
    hearing_id: int
    email: str
    partstat: PartStat
    sequence: int
    replied_at: datetime
    comment: str | None


class ReplyImport(BaseModel):
    """What an imported file changed."""

    imported: list[ImportedReply]
