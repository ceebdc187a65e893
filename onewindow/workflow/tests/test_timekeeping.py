"""Who holds a task, its clock and its run's timers, kept in step with the engine
(``timekeeping.py``), through the services that call it. Dates by hand: see ``timing``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from onewindow.audit.models import AuditEvent
from onewindow.identity.models import Department, User
from onewindow.identity.roles import Role
from onewindow.workflow import limits, services, sweep
from onewindow.workflow.choices import ClockState
from onewindow.workflow.models import ProcessInstance, ProcessTimer, TaskHolding, WorkTask
from onewindow.workflow.tests.conftest import open_tasks, upload
from onewindow.workflow.tests.timing import Boundary, at, upload_timed

Officer = Callable[..., User]
Holding = tuple[str, int | None, datetime, datetime | None]


def holdings(task: WorkTask) -> list[Holding]:
    return [
        (h.kind, h.officer_id, h.started_at, h.ended_at)
        for h in TaskHolding.objects.filter(task=task).order_by("started_at", "pk")
    ]


def assert_one_holder_each(instance: ProcessInstance) -> None:
    """Open tasks have exactly one open holding; closed tasks none."""
    for task in WorkTask.objects.filter(instance=instance):
        open_count = TaskHolding.objects.filter(task=task, ended_at__isnull=True).count()
        expected = 1 if task.status in ("ready", "claimed", "suspended") else 0
        assert open_count == expected, (task.bpmn_id, task.status, open_count)


def start(definition: object, moment: datetime) -> ProcessInstance:
    with time_machine.travel(moment, tick=False):
        return services.start_instance(definition=definition, data={}, actor=None)  # type: ignore[arg-type]


def act(moment: datetime, move: Callable[..., object], actor: User, task: WorkTask) -> None:
    """``move`` (a task service: claim, release, suspend…) by ``actor`` at ``moment``."""
    with time_machine.travel(moment, tick=False):
        move(actor=actor, task_id=task.pk)


def timers(instance: ProcessInstance) -> dict[str, ProcessTimer]:
    return {t.bpmn_id: t for t in ProcessTimer.objects.filter(instance=instance)}


@pytest.fixture
def accepted(city: dict[str, Department], officer: Officer) -> ProcessInstance:
    """A passport run accepted on Monday 2026-03-02 at 12:00: its review (5 working
    days, reminder and escalation timers) waits in the police bureau's inbox."""
    instance = start(upload("permit", "single_department.bpmn"), at("2026-03-02", 9))
    accept = open_tasks(instance)["Task_accept"]
    with time_machine.travel(at("2026-03-02", 12), tick=False):
        services.complete_task(
            actor=officer("GA", Role.WINDOW_OFFICER), task_id=accept.pk, outcome="accept"
        )
    return instance


# --- holdings -----------------------------------------------------------------------


def test_holdings_follow_claim_release_and_complete(
    city: dict[str, Department], officer: Officer
) -> None:
    instance = start(upload("permit", "single_department.bpmn"), at("2026-03-02", 9))
    accept = open_tasks(instance)["Task_accept"]
    window = officer("GA", Role.WINDOW_OFFICER)
    assert holdings(accept) == [("queue", None, at("2026-03-02", 9), None)]
    assert_one_holder_each(instance)
    moves = [
        (10, 0, services.claim_task),
        (11, 0, services.release_task),
        (11, 30, services.claim_task),
    ]
    for hour, minute, move in moves:
        act(at("2026-03-02", hour, minute), move, window, accept)
        assert_one_holder_each(instance)
    with time_machine.travel(at("2026-03-02", 12), tick=False):
        services.complete_task(actor=window, task_id=accept.pk, outcome="accept")
    assert_one_holder_each(instance)
    assert holdings(accept) == [
        ("queue", None, at("2026-03-02", 9), at("2026-03-02", 10)),
        ("officer", window.pk, at("2026-03-02", 10), at("2026-03-02", 11)),
        ("queue", None, at("2026-03-02", 11), at("2026-03-02", 11, 30)),
        ("officer", window.pk, at("2026-03-02", 11, 30), at("2026-03-02", 12)),
    ]
    assert set(TaskHolding.objects.values_list("department", flat=True)) == {city["GA"].pk}
    review = open_tasks(instance)["Task_review"]
    assert holdings(review) == [("queue", None, at("2026-03-02", 12), None)]
    accept.refresh_from_db()
    assert accept.clock is not None
    assert (accept.clock.state, accept.clock.late, accept.clock.stopped_at) == (
        ClockState.STOPPED,
        False,
        at("2026-03-02", 12),
    )


def test_a_task_has_one_open_holding_at_most(accepted: ProcessInstance) -> None:
    review = open_tasks(accepted)["Task_review"]
    with pytest.raises(IntegrityError), transaction.atomic():
        TaskHolding.objects.create(task=review, kind="queue", started_at=at("2026-03-03"))


def test_an_interrupting_timer_cancels_the_task_and_lets_go_of_it(
    city: dict[str, Department],
) -> None:
    definition = upload_timed(boundaries=(Boundary("Timer_cut", "PT2H", interrupting=True),))
    instance = start(definition, at("2026-03-02", 9))
    work = open_tasks(instance)["Task_work"]
    fired = at("2026-03-02", 11, 5)
    with time_machine.travel(fired, tick=False):
        assert sweep.sweep().timers_fired == 1
    work.refresh_from_db()
    assert work.status == "cancelled"
    assert holdings(work) == [("queue", None, at("2026-03-02", 9), fired)]
    assert work.clock is not None
    assert (work.clock.state, work.clock.late, work.clock.next_alert_at) == (
        ClockState.STOPPED,
        False,
        None,
    )
    assert_one_holder_each(instance)
    instance.refresh_from_db()
    assert instance.status == "completed"
    assert timers(instance)["Timer_cut"].status == "fired"


# --- clocks ---------------------------------------------------------------------------


def test_task_clocks_come_from_the_time_limit(city: dict[str, Department]) -> None:
    instance = start(upload("permit", "single_department.bpmn"), at("2026-03-02", 9))
    clock = open_tasks(instance)["Task_accept"].clock
    assert clock is not None
    # Limit 1: day 1 is Tue 03-03, yellow from its start (⌈0.8⌉ = 1), due at its close.
    assert (clock.limit_days, clock.state, clock.started_at) == (
        1,
        ClockState.RUNNING,
        at("2026-03-02", 9),
    )
    assert (clock.warn_at, clock.due_at, clock.next_alert_at) == (
        at("2026-03-03"),
        at("2026-03-04"),
        at("2026-03-03"),
    )
    untimed = start(upload_timed(key="untimed", limit=None), at("2026-03-02", 9))
    assert open_tasks(untimed)["Task_work"].clock is None


def test_the_review_clock_of_an_accepted_case(accepted: ProcessInstance) -> None:
    clock = open_tasks(accepted)["Task_review"].clock
    assert clock is not None
    # Limit 5 from Mon 03-02: Tue 03 … Mon 09; yellow on day ⌈4⌉ = Fri 03-06.
    assert (clock.limit_days, clock.warn_at, clock.due_at) == (
        5,
        at("2026-03-06"),
        at("2026-03-10"),
    )


def test_a_step_writes_its_new_task_with_its_clock_and_holding_at_once(
    city: dict[str, Department], officer: Officer
) -> None:
    instance = start(upload("permit", "single_department.bpmn"), at("2026-03-02", 9))
    accept = open_tasks(instance)["Task_accept"]
    window = officer("GA", Role.WINDOW_OFFICER)
    with (
        time_machine.travel(at("2026-03-02", 12), tick=False),
        CaptureQueriesContext(connection) as queries,
    ):
        services.complete_task(actor=window, task_id=accept.pk, outcome="accept")
    statements = [q["sql"] for q in queries.captured_queries]
    # The review's row carries its clock (no update after), its first holding ends
    # none (the one holding ended is the acceptance's), and the timers on it are
    # given the row just written rather than a read of it.
    assert not [s for s in statements if s.startswith('UPDATE "workflow_worktask" SET "clock_id"')]
    assert sum(s.startswith('UPDATE "workflow_taskholding"') for s in statements) == 1
    assert not [s for s in statements if '"workflow_worktask"."spiff_task_id" IN' in s]
    # The acceptance's clock, which the step stops, came with its locked row.
    assert not [s for s in statements if s.startswith('SELECT "workflow_clock"')]
    review = open_tasks(instance)["Task_review"]
    assert review.clock is not None and review.clock.limit_days == 5
    assert holdings(review) == [("queue", None, at("2026-03-02", 12), None)]
    assert {t.task_id for t in timers(instance).values()} == {review.pk}
    assert_one_holder_each(instance)


def test_suspend_and_resume_pause_the_clock_and_the_timers(
    accepted: ProcessInstance, officer: Officer
) -> None:
    review = open_tasks(accepted)["Task_review"]
    actor = officer("GA")
    act(at("2026-03-04", 15), limits.suspend_task, actor, review)
    review.refresh_from_db()
    assert review.status == "suspended"
    assert review.clock is not None
    # Tue 03 and Wed 04 used; no deadline while the applicant has the task.
    assert (review.clock.state, review.clock.used_days, review.clock.due_at) == (
        ClockState.PAUSED,
        2,
        None,
    )
    assert (review.clock.warn_at, review.clock.next_alert_at) == (None, None)
    assert {name: t.due_at for name, t in timers(accepted).items()} == {
        "Timer_review_remind": None,
        "Timer_review_lead": None,
        "Timer_review_supervisor": None,
    }
    assert {t.status for t in timers(accepted).values()} == {"waiting"}
    assert holdings(review)[-2:] == [
        ("queue", None, at("2026-03-02", 12), at("2026-03-04", 15)),
        ("applicant", None, at("2026-03-04", 15), None),
    ]
    assert_one_holder_each(accepted)
    # Nothing is due while paused, however late it gets.
    assert sweep.sweep(at("2026-03-30")).timers_fired == 0

    act(at("2026-03-09", 10), limits.resume_task, actor, review)
    review.refresh_from_db()
    assert review.status == "ready"
    assert review.clock is not None
    # Mon 03-09 is day 0 of the new segment; 3 days remain: Tue 10, Wed 11, Thu 12.
    assert (review.clock.state, review.clock.used_days) == (ClockState.RUNNING, 2)
    assert (review.clock.warn_at, review.clock.due_at) == (at("2026-03-11"), at("2026-03-13"))
    assert {name: t.due_at for name, t in timers(accepted).items()} == {
        "Timer_review_remind": at("2026-03-12"),  # day 4: Wed 11
        "Timer_review_lead": at("2026-03-13"),  # day 5: Thu 12
        "Timer_review_supervisor": at("2026-03-17"),  # day 7: Fri 13, Mon 16
    }
    assert holdings(review)[-1] == ("queue", None, at("2026-03-09", 10), None)
    assert_one_holder_each(accepted)
    actions = list(
        AuditEvent.objects.filter(action__startswith="workflow.task_")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == ["workflow.task_suspended", "workflow.task_resumed"]


def test_a_claimed_task_returns_to_its_claimant_after_the_supplement(
    accepted: ProcessInstance, officer: Officer
) -> None:
    review = open_tasks(accepted)["Task_review"]
    reviewer = officer("GA")
    act(at("2026-03-03", 9), services.claim_task, reviewer, review)
    act(at("2026-03-03", 10), limits.suspend_task, reviewer, review)
    act(at("2026-03-05", 10), limits.resume_task, reviewer, review)
    review.refresh_from_db()
    assert (review.status, review.claimed_by) == ("claimed", reviewer)
    assert [h[:2] for h in holdings(review)] == [
        ("queue", None),
        ("officer", reviewer.pk),
        ("applicant", None),
        ("officer", reviewer.pk),
    ]
    assert_one_holder_each(accepted)


# --- timers -------------------------------------------------------------------------


def test_sync_timers_counts_working_days_on_the_task_clock(accepted: ProcessInstance) -> None:
    review = open_tasks(accepted)["Task_review"]
    found = timers(accepted)
    assert {name: (t.working_days, t.due_at) for name, t in found.items()} == {
        "Timer_review_remind": (4, at("2026-03-07")),  # close of Fri 03-06
        "Timer_review_lead": (5, at("2026-03-10")),  # close of Mon 03-09
        "Timer_review_supervisor": (7, at("2026-03-12")),  # close of Wed 03-11
    }
    assert {(t.task, t.status, t.armed_at) for t in found.values()} == {
        (review, "waiting", at("2026-03-02", 12))
    }
    assert review.clock is not None
    assert found["Timer_review_lead"].due_at == review.clock.due_at


def test_timers_of_a_completed_task_are_cancelled(
    accepted: ProcessInstance, officer: Officer
) -> None:
    review = open_tasks(accepted)["Task_review"]
    with time_machine.travel(at("2026-03-03", 9), tick=False):
        services.complete_task(actor=officer("GA"), task_id=review.pk, outcome="approve")
    assert {t.status for t in timers(accepted).values()} == {"cancelled"}
    assert sweep.sweep(at("2026-04-01")).timers_fired == 0


def test_a_wall_clock_span_is_not_working_days(city: dict[str, Department]) -> None:
    definition = upload_timed(boundaries=(Boundary("Timer_hours", "PT2H"),))
    # Friday evening: two hours later is Saturday, which a working-day count would skip.
    instance = start(definition, at("2026-03-06", 23))
    [timer] = timers(instance).values()
    assert (timer.value, timer.working_days, timer.due_at) == ("PT2H", None, at("2026-03-07", 1))
    assert timer.task == open_tasks(instance)["Task_work"]


def test_a_date_timer_waits_for_its_date(city: dict[str, Department], officer: Officer) -> None:
    definition = upload_timed(then_wait="2026-03-20T09:00:00+08:00", then_wait_date=True)
    instance = start(definition, at("2026-03-02", 9))
    assert timers(instance) == {}
    work = open_tasks(instance)["Task_work"]
    with time_machine.travel(at("2026-03-02", 10), tick=False):
        services.complete_task(actor=officer("GA"), task_id=work.pk, outcome="approve")
    [timer] = timers(instance).values()
    assert (timer.bpmn_id, timer.task, timer.working_days, timer.due_at) == (
        "Timer_wait",
        None,
        None,
        at("2026-03-20", 9),
    )
    assert sweep.sweep(at("2026-03-20", 8, 59)).timers_fired == 0
    assert sweep.sweep(at("2026-03-20", 9)).timers_fired == 1
    instance.refresh_from_db()
    assert instance.status == "completed"


def test_working_days_without_a_task_count_from_when_the_timer_started(
    city: dict[str, Department], officer: Officer
) -> None:
    instance = start(upload_timed(then_wait="P2D"), at("2026-03-02", 9))
    work = open_tasks(instance)["Task_work"]
    with time_machine.travel(at("2026-03-06", 16), tick=False):  # a Friday
        services.complete_task(actor=officer("GA"), task_id=work.pk, outcome="approve")
    [timer] = timers(instance).values()
    # Day 0 Fri 03-06; Mon 09, Tue 10: due at the close of Tuesday.
    assert (timer.task, timer.working_days, timer.due_at) == (None, 2, at("2026-03-11"))
    assert timer.armed_at == at("2026-03-06", 16)
    assert timer.due_at - timer.armed_at > timedelta(days=4)
