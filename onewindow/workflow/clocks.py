"""Working-day clocks: the arithmetic of a time limit (办理时限) on a ``Clock`` row.

The rule (ADR 0016), on the city's working-day calendar (``workdays``):

- The day a clock starts is day 0. The limit of N working days ends at the close of the
  N-th working day after it: a case accepted on Friday 2026-02-13 with a limit of 1
  is due at the end of Saturday 2026-02-14, an adjusted working day (调休).
- A clock runs in segments. Pausing it (a supplement request, 补正) closes the segment
  and banks the working days it used: those after its start day, up to and including
  the day of the pause. Resuming starts a new segment whose start day is again day 0,
  so the days the applicant took are not counted.
- It turns yellow at the start of the working day on which it will have used
  ⌈0.8·N⌉ working days, and red once the limit has passed. An approved extension adds
  its days to N.

These functions set fields on the clock and leave saving to the caller, which holds the
row (and the task's or case's) in its transaction. Nothing here reads the wall clock:
the moment is always passed in, so tests and the sweep control time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction

from django.utils import timezone

from onewindow.workdays.calendar import CalendarNotConfigured, WorkingCalendar, get_calendar
from onewindow.workflow.choices import AlertLevel, ClockState
from onewindow.workflow.models import Clock

WARN_FRACTION = Fraction(4, 5)


@dataclass(frozen=True)
class ClockReading:
    """A clock as a person sees it at one moment."""

    colour: str  # green | yellow | red | paused | on_time | late | unknown
    used_days: int
    total_days: int
    due_at: datetime | None

    @property
    def remaining_days(self) -> int:
        return self.total_days - self.used_days

    @property
    def overdue_days(self) -> int:
        return max(0, -self.remaining_days)

    @property
    def last_day(self) -> date | None:
        return last_day(self.due_at)


def last_day(due_at: datetime | None) -> date | None:
    """The last local day of a limit ending at ``due_at``. A limit ends at the midnight
    that closes its last working day, so people read "by the end of 03-11", not
    "by 03-12 00:00", which looks like one day more."""
    if due_at is None:
        return None
    return timezone.localdate(due_at - timedelta(microseconds=1))


def total_days(clock: Clock) -> int:
    return clock.limit_days + clock.extended_days


def new_clock(*, limit_days: int, at: datetime, calendar: WorkingCalendar | None = None) -> Clock:
    """A running clock from ``at`` (unsaved)."""
    clock = Clock(limit_days=limit_days, started_at=at, segment_started_at=at)
    schedule(clock, calendar)
    return clock


def _segment_days(clock: Clock, until: datetime, calendar: WorkingCalendar) -> int:
    if clock.state != ClockState.RUNNING or clock.segment_started_at is None:
        return 0
    start = timezone.localdate(clock.segment_started_at)
    return calendar.working_days_between(start, timezone.localdate(until))


def used_days(clock: Clock, now: datetime, calendar: WorkingCalendar | None = None) -> int:
    return clock.used_days + _segment_days(clock, now, calendar or get_calendar())


def pause(clock: Clock, at: datetime, calendar: WorkingCalendar | None = None) -> None:
    if clock.state != ClockState.RUNNING:
        return
    calendar = calendar or get_calendar()
    clock.used_days += _segment_days(clock, at, calendar)
    clock.state, clock.segment_started_at, clock.paused_at = ClockState.PAUSED, None, at
    schedule(clock, calendar)


def resume(clock: Clock, at: datetime, calendar: WorkingCalendar | None = None) -> None:
    if clock.state != ClockState.PAUSED:
        return
    clock.state, clock.segment_started_at, clock.paused_at = ClockState.RUNNING, at, None
    schedule(clock, calendar)


def extend(clock: Clock, days: int, now: datetime, calendar: WorkingCalendar | None = None) -> None:
    """Add ``days`` to the limit. A clock already announced as due soon or overdue is
    announced again when the new limit draws near."""
    clock.extended_days += days
    clock.alert_level = AlertLevel.NONE
    schedule(clock, calendar)
    if clock.warn_at is not None and clock.warn_at <= now:
        clock.alert_level = AlertLevel.WARNED if now < _due(clock) else AlertLevel.OVERDUE
        schedule(clock, calendar)


def _due(clock: Clock) -> datetime:
    assert clock.due_at is not None
    return clock.due_at


def stop(clock: Clock, at: datetime, calendar: WorkingCalendar | None = None) -> None:
    """Finish the clock; ``late`` records whether the limit was kept."""
    if clock.state == ClockState.STOPPED:
        return
    calendar = calendar or get_calendar()
    if clock.state == ClockState.RUNNING and clock.due_at is not None:
        clock.late = at >= clock.due_at
    else:
        clock.late = clock.used_days > total_days(clock)
    clock.used_days += _segment_days(clock, at, calendar)
    clock.state, clock.segment_started_at, clock.stopped_at = ClockState.STOPPED, None, at
    schedule(clock, calendar)


def due_after(
    clock: Clock, working_days: int, calendar: WorkingCalendar | None = None
) -> datetime | None:
    """When the clock will have used ``working_days``: the close of that working day,
    or None while it is not running (a paused clock's timers wait)."""
    if clock.state != ClockState.RUNNING or clock.segment_started_at is None:
        return None
    calendar = calendar or get_calendar()
    remaining = working_days - clock.used_days
    if remaining < 0:
        return clock.segment_started_at
    return calendar.deadline(clock.segment_started_at, remaining)


def schedule(clock: Clock, calendar: WorkingCalendar | None = None) -> None:
    """Recompute ``due_at``, ``warn_at`` and ``next_alert_at`` from the clock's state.
    A calendar that cannot answer leaves the clock without a deadline and says why in
    ``problem``; the sweep retries it."""
    clock.due_at = clock.warn_at = clock.next_alert_at = None
    clock.problem = ""
    if clock.state != ClockState.RUNNING or clock.segment_started_at is None:
        return
    try:
        calendar = calendar or get_calendar()
        total = total_days(clock)
        clock.due_at = due_after(clock, total, calendar)
        threshold = math.ceil(total * WARN_FRACTION)
        if threshold <= clock.used_days:
            clock.warn_at = clock.segment_started_at
        else:
            start = timezone.localdate(clock.segment_started_at)
            warn_day = calendar.add_working_days(start, threshold - clock.used_days)
            clock.warn_at = calendar.start_of(warn_day)
    except CalendarNotConfigured as exc:
        clock.due_at = clock.warn_at = None
        clock.problem = str(exc.message)[:300]
        return
    if clock.alert_level == AlertLevel.NONE:
        clock.next_alert_at = clock.warn_at
    elif clock.alert_level == AlertLevel.WARNED:
        clock.next_alert_at = clock.due_at


def reading(clock: Clock, now: datetime, calendar: WorkingCalendar | None = None) -> ClockReading:
    calendar = calendar or get_calendar()
    try:
        used = used_days(clock, now, calendar)
    except CalendarNotConfigured:
        used = clock.used_days
    total = total_days(clock)
    if clock.state == ClockState.STOPPED:
        colour = "late" if clock.late else "on_time"
    elif clock.state == ClockState.PAUSED:
        colour = "paused"
    elif clock.due_at is None or clock.warn_at is None:
        colour = "unknown"
    elif now >= clock.due_at:
        colour = "red"
    elif now >= clock.warn_at:
        colour = "yellow"
    else:
        colour = "green"
    return ClockReading(colour=colour, used_days=used, total_days=total, due_at=clock.due_at)
