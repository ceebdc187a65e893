"""The working-day calendar: which days count, and how time limits are counted on them.

Where a day's status comes from, first match wins:

1. a ``WorkdayOverride`` row for that day (any year; the city's correction);
2. the chinese-calendar package, for the years it knows (2004–2026 in 1.11.0): the
   State Council's public holidays and adjusted working days (调休);
3. a year the package does not know but a platform admin has declared complete
   (``CalendarYear.complete``): Monday to Friday, except its overrides;
4. anything else is unknown: asking about it raises ``CalendarNotConfigured`` (HTTP 503),
   logged at ERROR on ``onewindow.workdays`` (once per year per process per hour), and
   ``/healthz`` reports the calendar degraded 60 days before such a year starts.

The counting rule (办理时限, in working days):

- The day of acceptance is day 0, whether or not it is a working day; day 1 is the first
  working day strictly after it. Counting by local (Asia/Shanghai) calendar dates.
- A limit of N working days ends at the close of day N, that is at local midnight
  starting the calendar day after the N-th working day.
- "Days used" on a given date is the number of working days after the acceptance day up
  to and including that date, so on the deadline's last day it equals N.

Spring Festival 2026, where the package has 02-14 (Sat) and 02-28 (Sat) as adjusted
working days and 02-15 (Sun) to 02-23 (Mon) as the holiday:

- accepted Fri 2026-02-13, N = 1: day 1 is Sat 02-14 (a working Saturday); the limit
  ends 2026-02-15 00:00 +08:00;
- accepted Sat 2026-02-14, N = 1: 02-15 to 02-23 do not count; day 1 is Tue 02-24; the
  limit ends 2026-02-25 00:00 +08:00;
- accepted Fri 2026-02-13, N = 3: 02-14, 02-24, 02-25; ends 2026-02-26 00:00 +08:00.

This differs from the package's ``find_workday``, which takes a non-working start day
as if it were a working day 0; it is not used.

Speed: a timer sweep computes deadlines for many clocks, so ``get_calendar()`` returns a
prepared, immutable ``WorkingCalendar`` kept per process. It holds the sorted working
days of each run of consecutive known years; every method is a bisection or a set
lookup, without a query. The snapshot is checked against ``CalendarRevision`` at most
every ``REVALIDATE_SECONDS`` and dropped at once after this process writes.
"""

from __future__ import annotations

import bisect
import logging
import math
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from datetime import time as clock_time

import chinese_calendar
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext

from onewindow.core.errors import ServiceError

logger = logging.getLogger("onewindow.workdays")

ONE_DAY = timedelta(days=1)
DAY_SECONDS = 86400.0
REVALIDATE_SECONDS = 5.0
ALERT_INTERVAL_SECONDS = 3600.0
# How far ahead the health check and the daily task look for an unconfigured year.
HORIZON_DAYS = 60

_PACKAGE_HOLIDAYS: Mapping[date, str] = chinese_calendar.holidays
_PACKAGE_WORKDAYS: Mapping[date, str] = chinese_calendar.workdays
PACKAGE_YEARS = range(min(_PACKAGE_HOLIDAYS).year, max(_PACKAGE_HOLIDAYS).year + 1)


def _not_configured_message(year: int) -> str:
    return gettext(
        "The working-day calendar for %(year)d is not configured yet: a platform admin "
        "must enter its holidays and adjusted working days."
    ) % {"year": year}


_lazy_message = lazy(_not_configured_message, str)


class CalendarNotConfigured(ServiceError):
    """A day was needed from a year neither the package nor a declared year covers."""

    status = 503

    def __init__(self, year: int) -> None:
        super().__init__(_lazy_message(year), code="calendar_not_configured")
        self.year = year


_alert_lock = threading.Lock()
_last_alert: dict[int, float] = {}


def _not_configured(year: int) -> CalendarNotConfigured:
    """The error for ``year``, logged at ERROR at most once an hour per year, so a sweep
    over many clocks raises an alert, not a flood."""
    now = time.monotonic()
    with _alert_lock:
        last = _last_alert.get(year)
        due = last is None or now - last >= ALERT_INTERVAL_SECONDS
        if due:
            _last_alert[year] = now
    if due:
        logger.error(
            "working-day calendar: %d is not configured; deadlines reaching into it fail "
            "until a platform admin enters and declares it",
            year,
        )
    return CalendarNotConfigured(year)


def package_is_working_day(day: date) -> bool:
    """The package's answer for a day of a year it knows."""
    if day in _PACKAGE_WORKDAYS:
        return True
    return day.weekday() < 5 and day not in _PACKAGE_HOLIDAYS


@dataclass(frozen=True)
class _Span:
    """A run of consecutive known years and the ordinals of its working days, sorted."""

    first_year: int
    last_year: int
    days: tuple[int, ...]


class WorkingCalendar:
    """An immutable snapshot of the calendar. Dates are local calendar dates; datetimes
    must be timezone-aware and are read in the calendar's zone (settings.TIME_ZONE)."""

    __slots__ = ("_span_of_year", "_spans", "_working", "revision", "tz")

    def __init__(self, *, spans: Iterable[_Span], tz: tzinfo, revision: object = None) -> None:
        self._spans = tuple(spans)
        self._span_of_year = {
            year: span
            for span in self._spans
            for year in range(span.first_year, span.last_year + 1)
        }
        self._working = frozenset(day for span in self._spans for day in span.days)
        self.tz = tz
        self.revision = revision

    @property
    def known_years(self) -> tuple[int, ...]:
        return tuple(sorted(self._span_of_year))

    def _span(self, day: date) -> _Span:
        if isinstance(day, datetime):
            # Its date part may not be the local date; callers convert first.
            raise TypeError("pass a local date, not a datetime (see timezone.localdate)")
        span = self._span_of_year.get(day.year)
        if span is None:
            raise _not_configured(day.year)
        return span

    def _local_date(self, moment: datetime) -> date:
        return self._local(moment).date()

    def _local(self, moment: datetime) -> datetime:
        if timezone.is_naive(moment):
            raise ValueError("the working-day calendar needs timezone-aware datetimes")
        return moment.astimezone(self.tz)

    def is_working_day(self, day: date) -> bool:
        self._span(day)
        return day.toordinal() in self._working

    def add_working_days(self, day: date, n: int) -> date:
        """The n-th working day strictly after ``day``; ``day`` itself when n is 0."""
        if n < 0:
            raise ValueError("n must be 0 or more")
        if n == 0:
            return day
        span = self._span(day + ONE_DAY)
        index = bisect.bisect_right(span.days, day.toordinal()) + n - 1
        if index >= len(span.days):
            raise _not_configured(span.last_year + 1)
        return date.fromordinal(span.days[index])

    def working_days_between(self, start: date, end: date) -> int:
        """Working days d with start < d <= end: the days used on ``end`` of a limit
        whose acceptance day (day 0) is ``start``. 0 when end <= start."""
        if end <= start:
            return 0
        span = self._span(start + ONE_DAY)
        if end.year > span.last_year:
            raise _not_configured(span.last_year + 1)
        days = span.days
        return bisect.bisect_right(days, end.toordinal()) - bisect.bisect_right(
            days, start.toordinal()
        )

    def start_of(self, day: date) -> datetime:
        """Local midnight at the start of ``day``."""
        return datetime.combine(day, clock_time.min, tzinfo=self.tz)

    def deadline(self, start: datetime, n: int) -> datetime:
        """The close of the n-th working day after ``start``'s local date: local midnight
        starting the calendar day after it."""
        return self.start_of(self.add_working_days(self._local_date(start), n) + ONE_DAY)

    def working_time_between(self, start: datetime, end: datetime) -> float:
        """The working days, in fractions of 24 hours, within [start, end)."""
        if end <= start:
            return 0.0
        local_start, local_end = self._local(start), self._local(end)
        first, last = local_start.date(), local_end.date()
        if first == last:
            if not self.is_working_day(first):
                return 0.0
            return (local_end - local_start).total_seconds() / DAY_SECONDS
        total = 0.0
        if self.is_working_day(first):
            total += (self.start_of(first + ONE_DAY) - local_start).total_seconds() / DAY_SECONDS
        # Whole days strictly between the first and the last day.
        total += self.working_days_between(first, last - ONE_DAY)
        tail = (local_end - self.start_of(last)).total_seconds()
        if tail > 0 and self.is_working_day(last):
            total += tail / DAY_SECONDS
        return total

    def known_until(self, *, today: date | None = None) -> date:
        """The last day of the run of known years holding ``today`` (local today by
        default): every answer up to it is available. When today's year itself is
        unknown, the day before that year began."""
        today = today or datetime.now(self.tz).date()
        span = self._span_of_year.get(today.year)
        if span is None:
            return date(today.year, 1, 1) - ONE_DAY
        return date(span.last_year, 12, 31)

    def horizon_problem(
        self, *, today: date | None = None, days: int = HORIZON_DAYS
    ) -> CalendarNotConfigured | None:
        """The error a limit would meet within ``days`` from today, if any (not logged:
        the health check asks this on every probe)."""
        today = today or datetime.now(self.tz).date()
        until = self.known_until(today=today)
        if today + timedelta(days=days) <= until:
            return None
        return CalendarNotConfigured(until.year + 1)


def build_calendar(
    *,
    overrides: Mapping[date, bool],
    declared_years: Iterable[int],
    tz: tzinfo | None = None,
    revision: object = None,
) -> WorkingCalendar:
    """A calendar from the package, the overrides and the years declared complete."""
    known = sorted(set(PACKAGE_YEARS) | set(declared_years))
    runs: list[list[int]] = []
    for year in known:
        if runs and runs[-1][-1] == year - 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    spans = []
    for run in runs:
        day, end = date(run[0], 1, 1), date(run[-1], 12, 31)
        working: list[int] = []
        while day <= end:
            if day in overrides:
                is_working = overrides[day]
            elif day.year in PACKAGE_YEARS:
                is_working = package_is_working_day(day)
            else:
                is_working = day.weekday() < 5
            if is_working:
                working.append(day.toordinal())
            day += ONE_DAY
        spans.append(_Span(run[0], run[-1], tuple(working)))
    return WorkingCalendar(spans=spans, tz=tz or timezone.get_default_timezone(), revision=revision)


# --- the per-process snapshot ---------------------------------------------------------

_cache_lock = threading.Lock()
_cached: WorkingCalendar | None = None
_checked_at = -math.inf


def _current_revision() -> tuple[int, str]:
    from onewindow.workdays.models import CalendarRevision

    row = CalendarRevision.objects.filter(pk=1).values_list("number", "stamp").first()
    return row or (0, "")


def load_calendar(revision: object = None) -> WorkingCalendar:
    """Build the calendar from the database (two queries)."""
    from onewindow.workdays.models import CalendarYear, WorkdayOverride

    overrides = dict(WorkdayOverride.objects.values_list("day", "is_working_day"))
    declared = CalendarYear.objects.filter(complete=True).values_list("year", flat=True)
    return build_calendar(overrides=overrides, declared_years=list(declared), revision=revision)


def get_calendar() -> WorkingCalendar:
    """The process's calendar, checked against the revision at most every few seconds."""
    global _cached, _checked_at
    calendar = _cached
    if calendar is not None and time.monotonic() - _checked_at < REVALIDATE_SECONDS:
        return calendar
    with _cache_lock:
        revision = _current_revision()
        if _cached is None or _cached.revision != revision:
            _cached = load_calendar(revision)
        _checked_at = time.monotonic()
        return _cached


def horizon_warning(*, today: date | None = None) -> str | None:
    """A line for operators (``/healthz``, the daily task) when a limit started today
    could run into an unconfigured year within ``HORIZON_DAYS``; None when all is well."""
    calendar = get_calendar()
    problem = calendar.horizon_problem(today=today)
    if problem is None:
        return None
    until = calendar.known_until(today=today)
    return (
        f"calendar: {problem.year} is not configured (known until {until.isoformat()}); "
        "a platform admin must enter its holidays and adjusted working days and declare it"
    )


def forget() -> None:
    """Drop the snapshot (after a write by this process, and between tests) and the
    record of alerts already logged."""
    global _cached, _checked_at
    with _cache_lock:
        _cached = None
        _checked_at = -math.inf
    with _alert_lock:
        _last_alert.clear()
