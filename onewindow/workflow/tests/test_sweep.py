"""The timer job (``sweep.py``) at fixed moments: clock alerts at their thresholds, once
each; due timers fired once, in order, after downtime too; two sweeps at once; failing
timers; clocks the calendar cannot schedule yet. Dates by hand: see ``timing``."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from onewindow.audit.models import AuditEvent
from onewindow.audit.services import record_event
from onewindow.audit.testing import chain_held_elsewhere
from onewindow.audit.verification import verify_chain
from onewindow.conftest import make_department, make_user, run_all
from onewindow.core.errors import Conflict
from onewindow.identity.models import Department, DepartmentKind, User
from onewindow.identity.roles import Role
from onewindow.workdays import services as workdays_services
from onewindow.workflow import clocks, events, limits, registry, services, sweep
from onewindow.workflow.choices import AlertLevel
from onewindow.workflow.models import Clock, Escalation, ProcessInstance, ProcessTimer, WorkTask
from onewindow.workflow.tests.conftest import open_tasks
from onewindow.workflow.tests.timing import Boundary, at, upload_timed

Officer = Callable[..., User]
MONDAY_9 = at("2026-03-02", 9)


def start(definition: Any, moment: datetime = MONDAY_9) -> ProcessInstance:
    with time_machine.travel(moment, tick=False):
        return services.start_instance(definition=definition, data={}, actor=None)


def clock_of(instance: ProcessInstance) -> Clock:
    clock = open_tasks(instance)["Task_work"].clock
    assert clock is not None
    return clock


def audited(*actions: str) -> list[str]:
    found = AuditEvent.objects.filter(action__in=actions).order_by("seq")
    return list(found.values_list("action", flat=True))


@pytest.fixture
def alerts() -> Iterator[list[tuple[int, int, datetime]]]:
    """What the sweep announced: (clock id, level, now)."""
    heard: list[tuple[int, int, datetime]] = []

    def receive(sender: Any, alerts: list[events.Alert], now: datetime, **kwargs: Any) -> None:
        heard.extend((alert.clock_id, alert.level, now) for alert in alerts)

    events.clocks_alerted.connect(receive)
    yield heard
    events.clocks_alerted.disconnect(receive)


# --- thresholds -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("limit", "yellow", "red"),
    [
        (1, "2026-03-03", "2026-03-04"),  # ⌈0.8⌉ = 1: day 1 (Tue) all day
        (3, "2026-03-05", "2026-03-06"),  # ⌈2.4⌉ = 3: the last day, Thu
        (5, "2026-03-06", "2026-03-10"),  # ⌈4⌉ = 4: Fri; day 5 is Mon 03-09
        (10, "2026-03-12", "2026-03-17"),  # ⌈8⌉ = 8: Thu 03-12; day 10 is Mon 03-16
    ],
)
def test_yellow_at_the_start_of_day_ceil_80_percent_red_after_the_close_of_day_n(
    city: dict[str, Department],
    alerts: list[tuple[int, int, datetime]],
    limit: int,
    yellow: str,
    red: str,
) -> None:
    clock = clock_of(start(upload_timed(limit=limit)))
    minute = timedelta(minutes=1)
    assert sweep.sweep(at(yellow) - minute) == sweep.SweepReport()
    assert alerts == []
    report = sweep.sweep(at(yellow))
    assert (report.warned, report.overdue) == (1, 0)
    assert set(report.seconds) == {"alerts", "timers", "announce"}  # for the benchmark
    clock.refresh_from_db()
    assert (clock.alert_level, clock.next_alert_at) == (AlertLevel.WARNED, at(red))
    assert sweep.sweep(at(red) - minute) == sweep.SweepReport()
    report = sweep.sweep(at(red))
    assert (report.warned, report.overdue) == (0, 1)
    clock.refresh_from_db()
    assert (clock.alert_level, clock.next_alert_at) == (AlertLevel.OVERDUE, None)
    assert clocks.reading(clock, at(red)).colour == "red"
    assert alerts == [
        (clock.pk, AlertLevel.WARNED, at(yellow)),
        (clock.pk, AlertLevel.OVERDUE, at(red)),
    ]


def test_each_alert_is_audited_once_and_a_second_sweep_adds_nothing(
    city: dict[str, Department], alerts: list[tuple[int, int, datetime]]
) -> None:
    clock = clock_of(start(upload_timed(limit=5)))
    for moment in (at("2026-03-06"), at("2026-03-06", 0, 1), at("2026-03-10"), at("2026-03-20")):
        sweep.sweep(moment)
        events_before = AuditEvent.objects.count()
        assert sweep.sweep(moment) == sweep.SweepReport()  # idempotent
        assert AuditEvent.objects.count() == events_before
    assert audited("workflow.clock_warned", "workflow.clock_overdue") == [
        "workflow.clock_warned",
        "workflow.clock_overdue",
    ]
    warned, overdue = AuditEvent.objects.filter(action__startswith="workflow.clock_").order_by(
        "seq"
    )
    assert {warned.target_id, overdue.target_id} == {str(clock.pk)}
    assert overdue.detail == {"due_at": at("2026-03-10").isoformat(), "limit_days": 5}
    assert overdue.actor_id is None
    assert len(alerts) == 2


def test_an_alert_is_announced_after_its_batch_and_a_clock_stopped_meanwhile_is_not(
    city: dict[str, Department], alerts: list[tuple[int, int, datetime]]
) -> None:
    clock = clock_of(start(upload_timed(limit=5)))
    sweep.sweep(at("2026-03-06"))
    clock.refresh_from_db()
    assert (clock.alert_level, clock.announce_pending) == (AlertLevel.WARNED, False)
    assert alerts == [(clock.pk, AlertLevel.WARNED, at("2026-03-06"))]
    # Moved to red by a sweep whose announcement failed; the step is done before the
    # next sweep: nobody hears of a limit that no longer runs, and the flag is cleared.
    Clock.objects.filter(pk=clock.pk).update(
        alert_level=AlertLevel.OVERDUE, next_alert_at=None, announce_pending=True, state="stopped"
    )
    assert sweep.sweep(at("2026-03-10")) == sweep.SweepReport()
    clock.refresh_from_db()
    assert clock.announce_pending is False
    assert len(alerts) == 1


# --- downtime -------------------------------------------------------------------------

STEPS = (
    Boundary("Timer_day1", "P1D"),  # close of Tue 03-03
    Boundary("Timer_day3", "P3D"),  # close of Thu 03-05
    Boundary("Timer_day2", "P2D"),  # close of Wed 03-04
)


def test_after_downtime_one_overdue_alert_and_every_due_timer_in_order(
    city: dict[str, Department], alerts: list[tuple[int, int, datetime]]
) -> None:
    instance = start(upload_timed(limit=5, boundaries=STEPS))
    clock = clock_of(instance)
    late = at("2026-03-11", 9)  # the sweep was down from Monday until after the deadline
    with time_machine.travel(late, tick=False):
        report = sweep.sweep()
    assert (report.warned, report.overdue, report.timers_fired, report.timers_failed) == (
        0,
        1,
        3,
        0,
    )
    assert alerts == [(clock.pk, AlertLevel.OVERDUE, late)]
    assert audited("workflow.clock_warned", "workflow.clock_overdue") == ["workflow.clock_overdue"]
    fired = AuditEvent.objects.filter(action="workflow.timer_fired").order_by("seq")
    assert [e.detail["timer"] for e in fired] == ["Timer_day1", "Timer_day2", "Timer_day3"]
    assert {(t.status, t.fired_at) for t in ProcessTimer.objects.all()} == {("fired", late)}
    with time_machine.travel(late + timedelta(minutes=1), tick=False):
        assert sweep.sweep() == sweep.SweepReport()
    assert open_tasks(instance)["Task_work"].status == "ready"  # non-interrupting


# --- two at once ----------------------------------------------------------------------


def twelve_runs_with_two_timers() -> tuple[list[User], list[ProcessInstance]]:
    root = make_department(code="310000", kind=DepartmentKind.CITY)
    police = make_department(code="310000-GA", parent=root)
    reviewers = [make_user(roles=[(Role.REVIEWING_OFFICER, police)]) for _ in range(2)]
    definition = upload_timed(
        limit=5,
        boundaries=(
            Boundary("Timer_remind", "P4D", topic="remind_officers"),
            Boundary("Timer_note", "P2D"),
        ),
    )
    return reviewers, [start(definition) for _ in range(12)]


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_alert_and_fire_everything_once(monkeypatch: Any) -> None:
    reviewers, instances = twelve_runs_with_two_timers()
    # Small batches, so that the two sweeps interleave over the rows.
    monkeypatch.setattr(sweep, "BATCH", 3)
    monkeypatch.setattr(sweep, "ALERT_BATCH", 3)
    reports: list[sweep.SweepReport] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)
    concurrent = connection.vendor == "postgresql"

    def run() -> None:
        try:
            if concurrent:
                barrier.wait(timeout=10)
            reports.append(sweep.sweep())
        except BaseException as exc:  # reported below, with the thread's traceback lost
            errors.append(exc)
        finally:
            connection.close()

    with time_machine.travel(at("2026-03-11", 9), tick=False):
        run_all([threading.Thread(target=run) for _ in range(2)])
    assert errors == []
    assert sum(r.overdue for r in reports) == 12
    assert sum(r.warned for r in reports) == 0
    assert sum(r.timers_fired for r in reports) == 24
    assert sum(r.timers_failed for r in reports) == 0
    overdue = Counter(
        AuditEvent.objects.filter(action="workflow.clock_overdue").values_list(
            "target_id", flat=True
        )
    )
    assert len(overdue) == 12 and set(overdue.values()) == {1}
    fired = Counter(
        AuditEvent.objects.filter(action="workflow.timer_fired").values_list("target_id", flat=True)
    )
    assert len(fired) == 24 and set(fired.values()) == {1}
    assert set(ProcessTimer.objects.values_list("status", flat=True)) == {"fired"}
    reminders = Escalation.objects.filter(level="reminder")
    assert reminders.count() == 12
    assert Counter(reminders.values_list("task__instance", flat=True)) == Counter(
        {instance.pk: 1 for instance in instances}
    )
    assert {frozenset(e.recipients.all()) for e in reminders} == {frozenset(reviewers)}
    assert AuditEvent.objects.filter(action="workflow.task_escalated").count() == 12
    assert verify_chain() == []


@pytest.mark.django_db(transaction=True)
def test_a_helper_shares_the_sweeps_timers_and_each_is_fired_once(monkeypatch: Any) -> None:
    _reviewers, instances = twelve_runs_with_two_timers()
    monkeypatch.setattr(sweep, "BATCH", 3)
    reports: list[sweep.SweepReport] = []
    errors: list[BaseException] = []
    helpers: list[threading.Thread] = []

    def helper(now: datetime) -> None:
        try:
            reports.append(sweep.help_with_timers(now))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    def start_helper(now: datetime) -> None:
        helpers.append(threading.Thread(target=helper, args=(now,)))
        if connection.vendor == "postgresql":
            helpers[0].start()
        else:  # one writer at a time: the helper runs before the sweep goes on
            run_all(helpers)

    late = at("2026-03-11", 9)
    with time_machine.travel(late, tick=False):
        reports.append(sweep.sweep(start_helpers=start_helper))
        for thread in helpers:
            thread.join()
    assert errors == []
    assert len(helpers) == 1
    assert sum(r.timers_fired for r in reports) == 24
    fired = Counter(
        AuditEvent.objects.filter(action="workflow.timer_fired").values_list("target_id", flat=True)
    )
    assert len(fired) == 24 and set(fired.values()) == {1}
    assert set(ProcessTimer.objects.values_list("status", flat=True)) == {"fired"}
    reminders = Escalation.objects.filter(level="reminder")
    assert Counter(reminders.values_list("task__instance", flat=True)) == Counter(
        {instance.pk: 1 for instance in instances}
    )
    assert not Escalation.objects.filter(announce_pending=True).exists()
    assert verify_chain() == []
    with time_machine.travel(late + timedelta(minutes=1), tick=False):
        assert sweep.sweep(start_helpers=start_helper).timers_fired == 0
    assert len(helpers) == 1  # nothing due: nobody else is set on it


@pytest.mark.django_db
def test_helpers_start_on_the_timers_before_the_alerts_which_are_told_before_the_timers(
    alerts: list[tuple[int, int, datetime]],
) -> None:
    """The sweep's own work leaves a core idle while it moves and tells the alerts: the
    helpers are set on the timers first, and the sweep joins them after telling."""
    twelve_runs_with_two_timers()
    seen: dict[str, int] = {}

    def start_helpers(now: datetime) -> None:  # set on, but doing nothing here
        seen["alerted when helpers started"] = Clock.objects.exclude(alert_level=0).count()

    def receive(sender: Any, alerts: list[events.Alert], **kwargs: Any) -> None:
        seen["fired when alerts told"] = ProcessTimer.objects.filter(status="fired").count()

    events.clocks_alerted.connect(receive)
    try:
        with time_machine.travel(at("2026-03-11", 9), tick=False):
            report = sweep.sweep(start_helpers=start_helpers)
    finally:
        events.clocks_alerted.disconnect(receive)
    assert seen == {"alerted when helpers started": 0, "fired when alerts told": 0}
    assert (report.overdue, report.timers_fired, len(alerts)) == (12, 24, 12)


@pytest.mark.django_db(transaction=True)
def test_an_alert_batch_finding_the_chain_taken_gives_up_its_rows_then_queues_for_it() -> None:
    """Auditing last, a batch asks for the chain without queueing while it holds its
    clocks; refused, it rolls back and queues for the chain before taking them again."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks and waits for them: PostgreSQL only (SQLite locks the file)")
    twelve_runs_with_two_timers()
    record_event(actor=None, action="test.genesis")  # the chain's head row exists
    queued: list[bool] = []
    # The holder commits once the batch, having given up, queues for the chain.
    with (
        chain_held_elsewhere(lambda: queued.append(wait_for_a_lock_wait())),
        time_machine.travel(at("2026-03-11", 9), tick=False),
    ):
        report = sweep.sweep()
    assert queued == [True]
    assert (report.batches_redone, report.overdue) == (1, 12)
    overdue = AuditEvent.objects.filter(action="workflow.clock_overdue")
    assert sorted(overdue.values_list("target_id", flat=True)) == sorted(
        str(pk) for pk in Clock.objects.values_list("pk", flat=True)
    )
    assert verify_chain() == []


@pytest.mark.django_db(transaction=True)
def test_a_timer_whose_run_is_busy_is_fired_when_the_run_is_free() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's test database holds one writer at a time: no run is busy")
    _reviewers, instances = twelve_runs_with_two_timers()
    busy = instances[0]
    locked, release = threading.Event(), threading.Event()

    def officer_step() -> None:
        try:
            with transaction.atomic():
                ProcessInstance.objects.select_for_update().get(pk=busy.pk)
                locked.set()
                release.wait(timeout=10)
        finally:
            connection.close()

    step = threading.Thread(target=officer_step)
    step.start()
    assert locked.wait(timeout=10)
    order: list[int] = []
    real_fire = limits.fire_timer

    def fire_timer(**kwargs: Any) -> Any:
        if not kwargs["wait"] and kwargs["instance_id"] == busy.pk:
            order.append(kwargs["timer_id"])
            if len(order) == 2:  # both its timers passed over: let the step finish
                release.set()
        return real_fire(**kwargs)

    with (
        mock.patch.object(limits, "fire_timer", fire_timer),
        time_machine.travel(at("2026-03-11", 9), tick=False),
    ):
        report = sweep.sweep()
    step.join()
    assert report.timers_fired == 24
    busy_timers = ProcessTimer.objects.filter(instance=busy)
    assert sorted(order) == sorted(busy_timers.values_list("pk", flat=True))
    assert set(busy_timers.values_list("status", flat=True)) == {"fired"}


def wait_for_a_lock_wait(seconds: float = 5.0) -> bool:
    """Whether another connection to this database starts waiting for a lock."""
    with connection.cursor() as cursor:
        for _ in range(int(seconds / 0.05)):
            # Statistics are a snapshot per transaction unless cleared.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND pid <> pg_backend_pid() AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.05)
    return False


@pytest.mark.django_db(transaction=True)
def test_an_officer_finishing_a_task_while_the_sweep_alerts_its_clock() -> None:
    """The officer's step audits (a platform function), then stops the task's clock;
    the sweep locks that clock for its overdue alert, then audits. Neither may end in
    a deadlock, whichever order they meet in."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks and waits for them: PostgreSQL only (SQLite locks the file)")
    root = make_department(code="310000", kind=DepartmentKind.CITY)
    police = make_department(code="310000-GA", parent=root)
    reviewer = make_user(roles=[(Role.REVIEWING_OFFICER, police)])
    step_audited = threading.Event()
    sweep_waited: list[bool] = []

    def audit_then_wait(call: registry.ServiceCall) -> dict[str, bool]:
        record_event(actor=None, action="test.step_audited")
        step_audited.set()
        # The sweep is under way: let it reach the audit chain or the clock first.
        sweep_waited.append(wait_for_a_lock_wait())
        return {}

    registry.register("test_audit_then_wait")(audit_then_wait)
    try:
        instance = start(upload_timed(limit=5, then_call="test_audit_then_wait"))
        task = open_tasks(instance)["Task_work"]
        errors: list[BaseException] = []

        def officer() -> None:
            try:
                services.complete_task(actor=reviewer, task_id=task.pk, outcome="approve")
            except BaseException as exc:
                errors.append(exc)
            finally:
                connection.close()

        def sweeper() -> None:
            try:
                step_audited.wait(timeout=10)
                sweep.sweep()
            except BaseException as exc:
                errors.append(exc)
            finally:
                connection.close()

        with time_machine.travel(at("2026-03-10", 9), tick=False):  # overdue since 00:00
            run_all([threading.Thread(target=officer), threading.Thread(target=sweeper)])
    finally:
        registry.unregister("test_audit_then_wait")
    assert errors == []
    assert sweep_waited == [True]  # the two did meet
    task.refresh_from_db()
    assert task.status == "completed"
    assert verify_chain() == []


# --- failures -------------------------------------------------------------------------


@pytest.fixture
def broken() -> Iterator[list[Exception]]:
    """A platform function ``test_broken`` that raises what the test puts in the list
    (nothing: it succeeds)."""
    failures: list[Exception] = []

    def call(call: registry.ServiceCall) -> dict[str, str]:
        if failures:
            raise failures[0]
        return {"ok": "yes"}

    registry.register("test_broken")(call)
    yield failures
    registry.unregister("test_broken")


@pytest.mark.parametrize(
    "error", [Conflict("the ledger is offline"), RuntimeError("the ledger is offline")]
)
def test_a_failing_timer_is_retried_an_hour_later_not_at_every_sweep(
    city: dict[str, Department], broken: list[Exception], error: Exception
) -> None:
    failing = start(
        upload_timed(key="failing", boundaries=(Boundary("Timer_x", "P1D", "test_broken"),))
    )
    working = start(upload_timed(key="working", boundaries=(Boundary("Timer_y", "P1D"),)))
    broken.append(error)
    due = at("2026-03-04")
    with time_machine.travel(due, tick=False):
        report = sweep.sweep()
    # One timer's failure does not hold up the others.
    assert (report.timers_fired, report.timers_failed) == (1, 1)
    [stuck] = ProcessTimer.objects.filter(instance=failing)
    assert (stuck.status, stuck.due_at) == ("waiting", due + sweep.RETRY_FAILED_TIMER)
    assert ProcessTimer.objects.get(instance=working).status == "fired"
    for minutes in (1, 30, 59):
        with time_machine.travel(due + timedelta(minutes=minutes), tick=False):
            assert sweep.sweep() == sweep.SweepReport()
    with time_machine.travel(due + timedelta(minutes=60), tick=False):
        assert sweep.sweep().timers_failed == 1
    broken.clear()  # the ledger is back
    with time_machine.travel(due + timedelta(minutes=125), tick=False):
        assert sweep.sweep().timers_fired == 1
    stuck.refresh_from_db()
    assert stuck.status == "fired"
    failed = AuditEvent.objects.filter(action="workflow.timer_fired", outcome="failure")
    assert failed.count() == 2
    assert {e.target_id for e in failed} == {str(stuck.pk)}


# --- the calendar of next year --------------------------------------------------------


def test_clocks_into_an_unconfigured_year_wait_for_it_then_get_their_deadline(
    city: dict[str, Department],
) -> None:
    # Monday 2026-12-28 + 5: Tue 29, Wed 30, Thu 31, then 2027, which nobody has entered.
    definition = upload_timed(
        limit=5, boundaries=(Boundary("Timer_soon", "P1D"), Boundary("Timer_late", "P5D"))
    )
    instance = start(definition, at("2026-12-28", 9))
    clock = clock_of(instance)
    assert (clock.due_at, clock.warn_at, clock.next_alert_at) == (None, None, None)
    assert "2027" in clock.problem
    timer_due = dict(ProcessTimer.objects.values_list("bpmn_id", "due_at"))
    assert timer_due == {"Timer_soon": at("2026-12-30"), "Timer_late": None}
    report = sweep.sweep(at("2026-12-29", 9))
    assert report.rescheduled == 0
    assert len(report.problems) == 1 and "2027" in report.problems[0]
    # Until the calendar changes, the sweep leaves them alone: no reads, no writes.
    with CaptureQueriesContext(connection) as queries:
        assert sweep.sweep(at("2026-12-29", 9, 1)) == sweep.SweepReport()
    assert not [q for q in queries if 'due_at" IS NULL' in q["sql"]]
    assert sweep.sweep(at("2026-12-30")).timers_fired == 1  # 2026 is known

    workdays_services.declare_year(actor=None, year=2027, note="Mon–Fri")
    report = sweep.sweep(at("2026-12-30", 0, 1))
    assert (report.rescheduled, report.problems) == (2, [])
    clock.refresh_from_db()
    # Declared plainly: Fri 2027-01-01 counts, so day 4 is that Friday, day 5 Mon 01-04.
    assert (clock.problem, clock.warn_at, clock.due_at) == ("", at("2027-01-01"), at("2027-01-05"))
    assert clock.next_alert_at == clock.warn_at
    late = ProcessTimer.objects.get(bpmn_id="Timer_late")
    assert (late.status, late.due_at) == ("waiting", at("2027-01-05"))
    assert sweep.sweep(at("2026-12-30", 0, 2)) == sweep.SweepReport()
    report = sweep.sweep(at("2027-01-05"))
    assert (report.overdue, report.timers_fired) == (1, 1)
    assert WorkTask.objects.get(instance=instance).status == "ready"
