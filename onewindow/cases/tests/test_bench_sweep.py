"""The sweep benchmark's generated rows are rows the services could have written: runs
that load, timers the runs wait on, one holder per task, clocks as ``clocks.py`` makes
them, tasks an officer can decide. Nothing here measures anything (figures are for
``make bench``)."""

from __future__ import annotations

from collections import Counter

import pytest
import time_machine
from django.db import connection

from onewindow.audit.models import AuditEvent
from onewindow.audit.verification import verify_chain
from onewindow.cases import services
from onewindow.cases.bench_sweep import SweepCases
from onewindow.identity.models import User
from onewindow.workflow import bench_sweep, clocks, engine, runs, sweep
from onewindow.workflow.choices import OPEN_TASK_STATUSES
from onewindow.workflow.models import Clock, ProcessInstance, ProcessTimer, TaskHolding, WorkTask
from onewindow.workflow.registry import ServiceContext

SIZE = 300


@pytest.fixture
def generated(db: None) -> SweepCases:
    if connection.vendor != "postgresql":
        pytest.skip("the generator writes with PostgreSQL's generate_series")
    with time_machine.travel(bench_sweep.TODAY, tick=False):
        cases = SweepCases(shared=2)
    bench_sweep.generate(SIZE, cases)
    return cases


def test_generated_runs_wait_on_their_tasks_and_timers(generated: SweepCases) -> None:
    reviews = WorkTask.objects.filter(bpmn_id="Task_review").exclude(
        instance_id=generated.template_instance
    )
    assert reviews.count() == SIZE * bench_sweep.REVIEW_SHARE
    for review in reviews[:10]:
        instance = ProcessInstance.objects.select_related("definition").get(pk=review.instance_id)
        run = runs.load(instance, ServiceContext())
        assert [t.id for t in engine.ready_user_tasks(run)] == [review.spiff_task_id]
        waiting = {t.id for t in engine.waiting_timers(run)}
        rows = ProcessTimer.objects.filter(instance=instance, status="waiting")
        assert set(rows.values_list("spiff_task_id", flat=True)) == waiting
        assert rows.count() == 3 and set(rows.values_list("task", flat=True)) == {review.pk}
    generated_tasks = WorkTask.objects.filter(status__in=OPEN_TASK_STATUSES)
    assert generated_tasks.count() >= SIZE
    for task in generated_tasks:
        assert TaskHolding.objects.filter(task=task, ended_at__isnull=True).count() == 1


def test_generated_clocks_are_what_clocks_py_computes(generated: SweepCases) -> None:
    for clock in Clock.objects.filter(task__bpmn_id__in=["Task_step", "Task_review"])[:50]:
        again = Clock.objects.get(pk=clock.pk)
        clocks.schedule(again)
        assert (again.due_at, again.warn_at, again.next_alert_at) == (
            clock.due_at,
            clock.warn_at,
            clock.next_alert_at,
        )
        assert clock.next_alert_at is None or clock.next_alert_at > bench_sweep.TODAY


def test_the_sweeps_handle_them_and_officers_can_decide_them(generated: SweepCases) -> None:
    due = Clock.objects.filter(next_alert_at__lte=bench_sweep.MIDNIGHT).count()
    with time_machine.travel(bench_sweep.TODAY, tick=False):
        assert sweep.sweep() == sweep.SweepReport()
    with time_machine.travel(bench_sweep.MIDNIGHT, tick=False):
        report = sweep.sweep()
    assert report.warned + report.overdue == due
    assert report.timers_failed == 0 and report.timers_fired > 0
    review = (
        WorkTask.objects.filter(bpmn_id="Task_review", status="ready")
        .exclude(instance_id=generated.template_instance)
        .first()
    )
    assert review is not None
    reviewer = User.objects.get(username="ga.review")
    with time_machine.travel(bench_sweep.MIDNIGHT, tick=False):
        case = services.decide_task(actor=reviewer, task_id=review.pk, outcome="approve")
    assert case.status == "approved"
    assert set(ProcessTimer.objects.filter(task=review).values_list("status", flat=True)) <= {
        "fired",
        "cancelled",
    }


def test_removing_a_size_leaves_the_world(generated: SweepCases) -> None:
    world_tasks = WorkTask.objects.filter(instance_id__in=generated.shared_instances).count()
    assert world_tasks > SIZE / 2  # the generated tasks share these runs
    removal = bench_sweep.Generation()
    bench_sweep.generate(100, generated)
    removal.remove(generated)
    assert WorkTask.objects.filter(instance_id__in=generated.shared_instances).count() == (
        world_tasks
    )


@pytest.mark.django_db(transaction=True)
def test_a_sweep_shared_with_a_helper_process_fires_each_due_timer_once() -> None:
    # Committed rows: the helper is another process, with its own connection.
    if connection.vendor != "postgresql":
        pytest.skip("the generator writes with PostgreSQL's generate_series")
    with time_machine.travel(bench_sweep.TODAY, tick=False):
        cases = SweepCases(shared=2)
    bench_sweep.generate(SIZE, cases)
    due = ProcessTimer.objects.filter(status="waiting", due_at__lte=bench_sweep.MIDNIGHT)
    expected = set(due.values_list("pk", flat=True))

    result = bench_sweep.timed_sweep(bench_sweep.MIDNIGHT, helpers=1)

    assert expected and (result.report.timers_fired, result.report.timers_failed) == (
        len(expected),
        0,
    )
    fired = Counter(
        AuditEvent.objects.filter(action="workflow.timer_fired").values_list("target_id", flat=True)
    )
    assert set(fired) == {str(pk) for pk in expected} and set(fired.values()) == {1}
    assert verify_chain() == []
