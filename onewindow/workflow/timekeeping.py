"""Who holds each task, its clock, and the run's timers, kept in step with the engine.

The services call these inside their transaction, holding the rows they change; nothing
here commits, audits or checks permissions (like ``runs.py``). A task's *holding* is
its current holder — the department's inbox, one officer, or the applicant while a
supplement is awaited — and the rows of past holdings are what accountability sums.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Q

from onewindow.workdays.calendar import CalendarNotConfigured, get_calendar
from onewindow.workflow import clocks, engine
from onewindow.workflow.choices import HolderKind, TaskStatus, TimerStatus
from onewindow.workflow.models import (
    Clock,
    ProcessInstance,
    ProcessTimer,
    TaskHolding,
    WorkTask,
)
from onewindow.workflow.validation import BundleFacts


def hand_over(task: WorkTask, kind: str, at: datetime, officer: Any = None) -> None:
    """End the task's current holding and start one for ``kind`` (and ``officer``)."""
    TaskHolding.objects.filter(task=task, ended_at__isnull=True).update(ended_at=at)
    TaskHolding.objects.create(
        task=task,
        kind=kind,
        officer=officer if kind == HolderKind.OFFICER else None,
        department=task.department,
        started_at=at,
    )


def let_go(tasks: Iterable[WorkTask], at: datetime) -> None:
    """The tasks are done or cancelled: nobody holds them any more; their clocks stop."""
    tasks = list(tasks)
    TaskHolding.objects.filter(task__in=tasks, ended_at__isnull=True).update(ended_at=at)
    calendar = get_calendar()
    for task in tasks:
        if task.clock is not None:
            clocks.stop(task.clock, at, calendar)
            task.clock.save()


def clock_new_tasks(new: list[WorkTask], facts: BundleFacts, at: datetime) -> None:
    """Give the tasks about to be written their clocks, where the process gives their
    step a time limit: before the tasks' insert, so that it carries them."""
    calendar = get_calendar()
    clocked = []
    for task in new:
        step = facts.user_tasks.get(task.bpmn_id)
        limit = step.time_limit_days if step is not None else None
        if limit is not None:
            task.clock = clocks.new_clock(limit_days=limit, at=at, calendar=calendar)
            clocked.append(task.clock)
    Clock.objects.bulk_create(clocked)


def queue_new_tasks(created: list[WorkTask], at: datetime) -> None:
    """Tasks just written wait in their department's inbox: their first holding (as
    ``hand_over`` would start it; a new task has none to end)."""
    TaskHolding.objects.bulk_create(
        TaskHolding(task=task, kind=HolderKind.QUEUE, department=task.department, started_at=at)
        for task in created
    )


def suspend(task: WorkTask, at: datetime) -> None:
    """The applicant must supply material: the task waits, its clock and its timers stop."""
    task.status = TaskStatus.SUSPENDED
    task.save(update_fields=["status"])
    hand_over(task, HolderKind.APPLICANT, at)
    if task.clock is not None:
        clocks.pause(task.clock, at)
        task.clock.save()
    reschedule_timers(task.timers.filter(status=TimerStatus.WAITING))


def resume(task: WorkTask, at: datetime) -> None:
    """The material arrived: the task goes back to whoever held it, the clocks go on
    from where they stopped."""
    if task.claimed_by_id is not None:
        task.status = TaskStatus.CLAIMED
        hand_over(task, HolderKind.OFFICER, at, officer=task.claimed_by)
    else:
        task.status = TaskStatus.READY
        hand_over(task, HolderKind.QUEUE, at)
    task.save(update_fields=["status"])
    if task.clock is not None:
        clocks.resume(task.clock, at)
        task.clock.save()
    reschedule_timers(task.timers.filter(status=TimerStatus.WAITING))


def extend(task: WorkTask, days: int, at: datetime) -> None:
    if task.clock is not None:
        clocks.extend(task.clock, days, at)
        task.clock.save()


# --- timers ---------------------------------------------------------------------------


def sync_timers(
    instance: ProcessInstance, run: engine.Run, new_tasks: Iterable[WorkTask] = ()
) -> list[ProcessTimer]:
    """Make the waiting timer rows match the run: new ones get their due moment,
    those the run no longer waits on (their task was completed) are cancelled.
    ``new_tasks``: the task rows this step wrote, which a new timer mostly sits on (a
    boundary timer is armed with its task), so that they are not read back."""
    waiting = {timer.id: timer for timer in engine.waiting_timers(run)}
    rows = dict(
        instance.timers.filter(status=TimerStatus.WAITING).values_list("spiff_task_id", "pk")
    )
    gone = [pk for spiff_id, pk in rows.items() if spiff_id not in waiting]
    if gone:
        ProcessTimer.objects.filter(pk__in=gone).update(status=TimerStatus.CANCELLED)
    new = [timer for spiff_id, timer in waiting.items() if spiff_id not in rows]
    if not new:
        return []
    tasks = {task.spiff_task_id: task for task in new_tasks}
    unknown = {t.attached_task_id for t in new if t.attached_task_id} - tasks.keys()
    if unknown:
        found = instance.tasks.filter(spiff_task_id__in=unknown).select_related("clock")
        tasks.update((task.spiff_task_id, task) for task in found)
    created = []
    for timer in new:
        schedule = engine.timer_schedule(timer)
        row = ProcessTimer(
            instance=instance,
            spiff_task_id=timer.id,
            bpmn_id=timer.bpmn_id,
            value=timer.value[:100],
            task=tasks.get(timer.attached_task_id),
            armed_at=timer.armed_at,
            working_days=schedule.working_days,
            due_at=schedule.at,
        )
        row.due_at = _due(row)
        created.append(row)
    return ProcessTimer.objects.bulk_create(created)


def _due(timer: ProcessTimer) -> datetime | None:
    """A date or wall-clock span is fixed; working days count on the clock of the task
    the timer sits on (so they stop with it), or from when the timer started."""
    if timer.working_days is None:
        return timer.due_at
    clock = timer.task.clock if timer.task is not None else None
    try:
        if clock is not None:
            return clocks.due_after(clock, timer.working_days)
        return get_calendar().deadline(timer.armed_at, timer.working_days)
    except CalendarNotConfigured:
        return None  # retried by the sweep once the calendar is entered


def reschedule_timers(timers: Iterable[ProcessTimer]) -> int:
    """Recompute the due moments of working-day timers, writing those that changed;
    returns how many now have one."""
    scheduled = 0
    for timer in timers:
        if timer.working_days is not None:
            due = _due(timer)
            if due != timer.due_at:
                timer.due_at = due
                timer.save(update_fields=["due_at"])
            scheduled += due is not None
    return scheduled


def unscheduled_timers() -> Q:
    """Waiting working-day timers whose due moment the calendar could not give yet."""
    return Q(
        status=TimerStatus.WAITING,
        working_days__isnull=False,
        due_at__isnull=True,
        task__clock__state="running",
    ) | Q(
        status=TimerStatus.WAITING,
        working_days__isnull=False,
        due_at__isnull=True,
        task__isnull=True,
    )
