"""Time limits as people read them: a colour *and* words ("Due soon: 1 working day
left"), for the inbox, the task page, the applicant's case page and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from onewindow.workflow import clocks
from onewindow.workflow.models import Clock

LABELS = {
    "green": lambda: _("On time"),
    "yellow": lambda: _("Due soon"),
    "red": lambda: _("Overdue"),
    "paused": lambda: _("Stopped for a supplement"),
    "on_time": lambda: _("Finished on time"),
    "late": lambda: _("Finished late"),
    "unknown": lambda: _("Deadline not yet known"),
}


@dataclass(frozen=True)
class ClockView:
    colour: str
    label: str
    detail: str
    due_at: datetime | None
    used_days: int
    total_days: int
    extended_days: int
    started_at: datetime
    problem: str

    @property
    def remaining_days(self) -> int:
        return self.total_days - self.used_days

    @property
    def due_day(self) -> date | None:
        """The last day of the limit: people read "by 24 November", not "by 00:00 on
        the 25th", though that is the same moment."""
        if self.due_at is None:
            return None
        return timezone.localdate(self.due_at - timedelta(microseconds=1))


def _detail(reading: clocks.ClockReading) -> str:
    remaining = reading.remaining_days
    if reading.colour in ("on_time", "late"):
        return ngettext(
            "%(used)d working day used of %(total)d.",
            "%(used)d working days used of %(total)d.",
            reading.used_days,
        ) % {"used": reading.used_days, "total": reading.total_days}
    if remaining < 0:
        return ngettext(
            "Overdue by %(days)d working day.", "Overdue by %(days)d working days.", -remaining
        ) % {"days": -remaining}
    if reading.colour == "red":  # past the deadline, no working day since
        return _("The time limit has passed.")
    return ngettext(
        "%(days)d working day left of %(total)d.",
        "%(days)d working days left of %(total)d.",
        remaining,
    ) % {"days": remaining, "total": reading.total_days}


def clock_view(clock: Clock | None, now: datetime) -> ClockView | None:
    if clock is None:
        return None
    reading = clocks.reading(clock, now)
    return ClockView(
        colour=reading.colour,
        label=LABELS[reading.colour](),
        detail=_detail(reading),
        due_at=reading.due_at,
        used_days=reading.used_days,
        total_days=reading.total_days,
        extended_days=clock.extended_days,
        started_at=clock.started_at,
        problem=clock.problem,
    )
