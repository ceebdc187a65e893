"""The time-limit sweep: what the host's timer job does, every minute.

1. Clocks whose next alert is due move their level: yellow when a limit draws near, red
   when it has passed.
2. Timers of runs whose moment has come are fired through the engine, one step each
   (``limits.fire_timer``): a process's reminders and escalations. Helpers, when the
   host has them, are set on the timers before step 1 (ADR 0022).
3. People are told, once per sweep, of the clocks moved (before the sweep joins the
   timers) and of the escalations raised (``events.clocks_alerted``,
   ``events.tasks_escalated``; the cases app writes one notice per task, or one digest
   per person, ADR 0018).
4. Clocks and timers the calendar could not schedule are tried again (first, in fact:
   a clock given its deadline may be due at once).

It is idempotent and safe to run twice at once: rows are taken with
``SELECT … FOR UPDATE SKIP LOCKED`` in batches; each alert moves the clock's
``alert_level`` and sets ``announce_pending`` in one transaction with its audit record,
and the announcement clears the flag in the transaction that writes the notifications,
so each is made once and told once. It catches up after downtime: everything due by
``now`` is handled, however old.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from onewindow.audit.services import (
    Entry,
    hold_chain,
    hold_chain_if_free,
    prepare_events,
    record_prepared,
)
from onewindow.core.errors import ServiceError
from onewindow.identity.queries import holders_anywhere
from onewindow.identity.roles import Role
from onewindow.notifications.services import notify
from onewindow.workdays.calendar import WorkingCalendar, get_calendar
from onewindow.workflow import clocks, events, limits, timekeeping
from onewindow.workflow.choices import AlertLevel, ClockState, TimerStatus
from onewindow.workflow.models import Clock, Escalation, ProcessTimer

logger = logging.getLogger(__name__)

BATCH = 200
# Clocks moved per transaction: a statement or two per batch, so it can be large.
ALERT_BATCH = 5000
CLOCK_TYPE = Clock._meta.label_lower
RETRY_FAILED_TIMER = timedelta(hours=1)
RETRY_UNSCHEDULED_SECONDS = 3600.0


@dataclass
class SweepReport:
    warned: int = 0
    overdue: int = 0
    timers_fired: int = 0
    timers_failed: int = 0
    rescheduled: int = 0
    # Alert batches that found the audit chain taken, rolled back and were done again.
    batches_redone: int = 0
    problems: list[str] = field(default_factory=list)
    # Seconds each part took (alerts, timers, announce), for the benchmark: not compared.
    seconds: dict[str, float] = field(default_factory=dict, compare=False)

    @contextmanager
    def timing(self, part: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[part] = self.seconds.get(part, 0.0) + time.perf_counter() - started


def sweep(
    now: datetime | None = None, *, start_helpers: Callable[[datetime], None] | None = None
) -> SweepReport:
    """Run the three steps for everything due by ``now`` (default: the present).

    ``start_helpers(now)``, when timers are due, sets other workers on them too
    (``help_with_timers``): each timer is fired by whoever locks its run first.
    """
    now = now or timezone.now()
    report = SweepReport()
    _reschedule_unscheduled(now, report)
    if start_helpers is not None and _due_timers(now).exists():
        # From the start: the helpers fire timers while this worker moves and tells
        # the alerts, which leave the other core mostly idle.
        start_helpers(now)
    with report.timing("alerts"):
        while _alert_batch(now, report):
            pass
    with report.timing("announce"):
        _announce_alerts(now)
    with report.timing("timers"):
        fire_due_timers(now, report)
    with report.timing("announce"):
        _announce_escalations(now)
    return report


def help_with_timers(now: datetime) -> SweepReport:
    """Another worker's share of a sweep's timers: it goes through them from the latest
    due, the sweep from the earliest, so the two meet rather than queue on the same runs;
    it tells the recipients of the escalations it raised."""
    report = SweepReport()
    with report.timing("timers"):
        fire_due_timers(now, report, latest_first=True)
    with report.timing("announce"):
        _announce_escalations(now)
    return report


def _alert_batch(now: datetime, report: SweepReport) -> bool:
    """Move the alert level of one batch of due clocks; False when none was left.

    Set-wise, in a few statements: at midnight a whole working day's clocks cross a
    threshold at once. An alert does not move a deadline, so the next alert of a clock
    turning yellow is its deadline, and a red one has none. People are told afterwards,
    all at once (``_announce_alerts``): the flag set here keeps that owed across a crash.

    The batch audits last, taking the chain only if it is free (``hold_chain_if_free``),
    so that other workers' timers, which need the chain at their end, go on meanwhile;
    if it stays taken, the batch is done again, taking the chain first (``hold_chain``)."""
    due = Clock.objects.filter(
        next_alert_at__lte=now, state=ClockState.RUNNING, due_at__isnull=False
    )
    if not due.exists():  # the usual minute: nothing to lock
        return False
    try:
        overdue, warned = _move_alerts(due, now, chain_first=False)
    except _ChainBusy:
        report.batches_redone += 1
        overdue, warned = _move_alerts(due, now, chain_first=True)
    report.overdue += overdue
    report.warned += warned
    return bool(overdue or warned)


class _ChainBusy(Exception):
    """The audit chain was not free: roll the batch back."""


def _move_alerts(due: QuerySet[Clock], now: datetime, *, chain_first: bool) -> tuple[int, int]:
    """(overdue, warned) of one batch, moved and audited in one transaction."""
    with transaction.atomic():
        if chain_first:
            hold_chain()
        batch = [
            # A clock with a next alert has a deadline (``clocks.schedule`` sets both).
            (pk, due_at, limit, extended)
            for pk, due_at, limit, extended in due.select_for_update(skip_locked=True)
            .order_by("next_alert_at", "pk")
            .values_list("pk", "due_at", "limit_days", "extended_days")[:ALERT_BATCH]
            if due_at is not None
        ]
        overdue = [row for row in batch if now >= row[1]]
        warned = [row for row in batch if now < row[1]]
        Clock.objects.filter(pk__any=[row[0] for row in overdue]).update(
            alert_level=AlertLevel.OVERDUE, next_alert_at=None, announce_pending=True
        )
        Clock.objects.filter(pk__any=[row[0] for row in warned]).update(
            alert_level=AlertLevel.WARNED, next_alert_at=F("due_at"), announce_pending=True
        )
        # Looked up once: per clock it was a good part of the batch's Python.
        zone = timezone.get_current_timezone()
        prepared = prepare_events(
            [_audit_entry(row, "workflow.clock_overdue", zone) for row in overdue]
            + [_audit_entry(row, "workflow.clock_warned", zone) for row in warned]
        )
        if not chain_first and not hold_chain_if_free():
            raise _ChainBusy
        record_prepared(prepared, returning=False)
    return len(overdue), len(warned)


def _audit_entry(row: tuple[int, datetime, int, int], action: str, zone: tzinfo) -> Entry:
    clock_id, due_at, limit_days, extended_days = row
    return Entry(
        action=action,
        target=(CLOCK_TYPE, str(clock_id)),
        detail={
            "due_at": due_at.astimezone(zone).isoformat(),
            "limit_days": limit_days + extended_days,
        },
    )


def _announce_alerts(now: datetime) -> None:
    """Tell people about the clocks whose level moved and nobody has heard of yet, all in
    one transaction: each officer hears once per sweep (``events.clocks_alerted``), and a
    crash leaves the flags to the next sweep. A clock stopped or paused since its alert
    (the step was done meanwhile) is not announced."""
    pending = Clock.objects.filter(announce_pending=True)
    if not pending.exists():
        return
    with transaction.atomic():
        rows = list(
            pending.select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", "state", "alert_level", "due_at")
        )
        zone = timezone.get_current_timezone()
        alerts = [
            events.Alert(clock_id, level, due_at.astimezone(zone))
            for clock_id, state, level, due_at in rows
            if state == ClockState.RUNNING and level != AlertLevel.NONE and due_at is not None
        ]
        if alerts:
            events.clocks_alerted.send(sender=Clock, alerts=alerts, now=now)
        _announced(Clock, [row[0] for row in rows])


def _announce_escalations(now: datetime) -> None:
    """Tell the recipients of the reminders and escalations the sweep's timers raised
    (``events.tasks_escalated``), in one transaction, as ``_announce_alerts`` does."""
    pending = Escalation.objects.filter(announce_pending=True)
    if not pending.exists():
        return
    with transaction.atomic():
        ids = list(
            pending.select_for_update(skip_locked=True).order_by("pk").values_list("pk", flat=True)
        )
        if ids:
            events.tasks_escalated.send(sender=Escalation, escalations=ids, now=now)
        _announced(Escalation, ids)


def _announced(model: type[Clock] | type[Escalation], ids: list[int]) -> None:
    """Clear the flags of the rows just told about, in the telling's transaction."""
    for start in range(0, len(ids), ALERT_BATCH):
        model.objects.filter(pk__any=ids[start : start + ALERT_BATCH]).update(
            announce_pending=False
        )


def _due_timers(now: datetime) -> QuerySet[ProcessTimer]:
    return ProcessTimer.objects.filter(status=TimerStatus.WAITING, due_at__lte=now)


def fire_due_timers(now: datetime, report: SweepReport, *, latest_first: bool = False) -> None:
    """Fire every timer due by ``now``: one pass in (due, id) order that passes over the
    timers whose run is busy (another worker firing one of its timers, an officer's
    step), then those, waiting for their runs."""
    order = ("-due_at", "-pk") if latest_first else ("due_at", "pk")
    passed_over: list[tuple[int, int]] = []
    after: Q | None = None
    while True:
        due = _due_timers(now) if after is None else _due_timers(now).filter(after)
        batch = list(due.order_by(*order).values_list("pk", "instance_id", "due_at")[:BATCH])
        if not batch:
            break
        for timer_id, instance_id, _due_at in batch:
            if not _fire(timer_id, instance_id, now, report, wait=False):
                passed_over.append((timer_id, instance_id))
        last_id, _instance_id, last_due = batch[-1]
        # Keyset: past the batch, however many of it are still waiting.
        if latest_first:
            after = Q(due_at__lt=last_due) | Q(due_at=last_due, pk__lt=last_id)
        else:
            after = Q(due_at__gt=last_due) | Q(due_at=last_due, pk__gt=last_id)
    for start in range(0, len(passed_over), BATCH):
        chunk = dict(passed_over[start : start + BATCH])
        for timer_id in (
            _due_timers(now).filter(pk__in=chunk).order_by(*order).values_list("pk", flat=True)
        ):
            _fire(timer_id, chunk[timer_id], now, report, wait=True)


def _fire(
    timer_id: int, instance_id: int, now: datetime, report: SweepReport, *, wait: bool
) -> bool:
    """Whether the timer was fired (or failed, and was set aside)."""
    try:
        fired = limits.fire_timer(timer_id=timer_id, instance_id=instance_id, wait=wait)
    except ServiceError as exc:
        # Recorded by the service; try again later rather than at every sweep.
        logger.error("timer %s failed: %s", timer_id, exc)
        ProcessTimer.objects.filter(pk=timer_id, status=TimerStatus.WAITING).update(
            due_at=now + RETRY_FAILED_TIMER
        )
        report.timers_failed += 1
        return True
    if fired is not None:
        report.timers_fired += 1
    return fired is not None


# The calendar snapshot the last full retry of unscheduled rows used, and when it ran.
_last_retry: tuple[WorkingCalendar | None, float] = (None, -math.inf)


def _reschedule_unscheduled(now: datetime, report: SweepReport) -> None:
    """Clocks and timers left without a deadline (the calendar could not answer) get
    one as soon as it can: after the calendar changes, which gives this process a new
    snapshot. Until then, retrying them would write every one of them every minute (at
    year end, a good share of all clocks) for nothing; an hourly retry catches rows
    written meanwhile from a snapshot a few seconds old."""
    global _last_retry
    calendar = get_calendar()
    last_calendar, last_time = _last_retry
    if calendar is last_calendar and time.monotonic() - last_time < RETRY_UNSCHEDULED_SECONDS:
        return
    after = 0
    while True:
        with transaction.atomic():
            batch = list(
                Clock.objects.select_for_update(skip_locked=True)
                .filter(state=ClockState.RUNNING, due_at__isnull=True, pk__gt=after)
                .order_by("pk")[:BATCH]
            )
            for clock in batch:
                problem = clock.problem
                clocks.schedule(clock, calendar)
                if not clock.problem:
                    report.rescheduled += 1
                elif clock.problem not in report.problems:
                    report.problems.append(clock.problem)
                if clock.problem != problem or clock.due_at is not None:
                    clock.save(update_fields=["due_at", "warn_at", "next_alert_at", "problem"])
        if len(batch) < BATCH:
            break
        after = batch[-1].pk
    after = 0
    while True:
        with transaction.atomic():
            timers = list(
                ProcessTimer.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("task__clock")
                .filter(timekeeping.unscheduled_timers(), pk__gt=after)
                .order_by("pk")[:BATCH]
            )
            scheduled = timekeeping.reschedule_timers(timers)
        report.rescheduled += scheduled
        if len(timers) < BATCH:
            break
        after = timers[-1].pk
    if report.problems:
        with transaction.atomic():
            _tell_platform_admins(calendar, now)
    _last_retry = (calendar, time.monotonic())


def _tell_platform_admins(calendar: WorkingCalendar, now: datetime) -> None:
    """While the calendar cannot give deadlines, the platform admins hear once a day."""
    year = calendar.known_until(today=timezone.localdate(now)).year + 1
    for admin in holders_anywhere(frozenset({Role.PLATFORM_ADMIN})):
        notify(
            recipient=admin,
            kind="calendar_not_configured",
            context={"year": year},
            dedupe_key=f"calendar:{year}:{timezone.localdate(now).isoformat()}",
            link="/django-admin/workdays/calendaryear/",
        )
