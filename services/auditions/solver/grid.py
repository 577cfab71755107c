"""The solver's clock: minutes counted from the first working day, one stride per day.

A time `t = day_index * stride + minutes since day_start`. The stride leaves a gap after the
last minute of a day longer than any buffer, so no interval can run from one day into the next.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from services.auditions.conflicts import EventRules


@dataclass(frozen=True)
class Grid:
    rules: EventRules
    days: tuple[date, ...]

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.rules.timezone)

    @property
    def day_minutes(self) -> int:
        start, end = self.rules.day_start, self.rules.day_end
        return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)

    @property
    def stride(self) -> int:
        return self.day_minutes + self.rules.buffer_minutes + 24 * 60

    @property
    def horizon(self) -> int:
        return len(self.days) * self.stride

    def day_of(self, t: int) -> int:
        return t // self.stride

    def at(self, t: int) -> datetime:
        """The UTC instant of time `t`."""
        day = self.days[t // self.stride]
        local = datetime.combine(day, self.rules.day_start, self.zone)
        return (local + timedelta(minutes=t % self.stride)).astimezone(UTC)

    def index(self, instant: datetime) -> int | None:
        """Time of `instant`, or None when it falls on no working day."""
        local = instant.astimezone(self.zone)
        if local.date() not in self.days:
            return None
        first = datetime.combine(local.date(), self.rules.day_start, self.zone)
        minutes = int((local - first).total_seconds() // 60)
        return self.days.index(local.date()) * self.stride + minutes

    def lunch(self) -> tuple[int, int] | None:
        """Minutes after day_start of the lunch break, if any."""
        rules = self.rules
        if rules.lunch_start is None or rules.lunch_end is None:
            return None
        base = rules.day_start.hour * 60 + rules.day_start.minute
        return (
            rules.lunch_start.hour * 60 + rules.lunch_start.minute - base,
            rules.lunch_end.hour * 60 + rules.lunch_end.minute - base,
        )


def working_days(rules: EventRules) -> tuple[date, ...]:
    days = []
    day = rules.starts_on
    while day <= rules.ends_on:
        if day not in rules.excluded_dates and not (rules.exclude_weekends and day.weekday() >= 5):
            days.append(day)
        day += timedelta(days=1)
    return tuple(days)
