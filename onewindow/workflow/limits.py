"""Steps of a run's time limits, each in one transaction with its audit record: a task
set aside for a supplement and resumed (补正), with the run given corrected facts; a
task's limit extended (延期); a due timer fired (reminders and escalation)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onewindow.audit.services import atomic_audit_last, record_event
from onewindow.core.errors import Conflict
from onewindow.workflow import engine, runs, timekeeping
from onewindow.workflow.bundle import msg
from onewindow.workflow.choices import InstanceStatus, TaskStatus, TimerStatus
from onewindow.workflow.models import ProcessInstance, ProcessTimer, WorkTask
from onewindow.workflow.registry import ServiceContext
from onewindow.workflow.steps import (
    audited_refusals,
    locked_instance,
    locked_task_after_run,
    runs_to_step,
)


def lock_task(task_id: int) -> WorkTask:
    """The task, locked for the caller's transaction after its run. A caller that also
    locks the task's case, its supplement or its extension requests takes them after,
    in the order of a decision (the run, the task, then the cases and the requests), so
    that the two wait for each other instead of deadlocking."""
    return locked_task_after_run(task_id)


def suspend_task(*, actor: Any, task_id: int, request: HttpRequest | None = None) -> WorkTask:
    """Set a task aside until the applicant supplies missing material (补正): its clock
    and timers stop. The caller (the case's supplement request) runs this inside its
    transaction and has checked the officer may decide the task."""
    with transaction.atomic():
        task = locked_task_after_run(task_id)
        if task.status not in (TaskStatus.READY, TaskStatus.CLAIMED):
            raise Conflict(_("This task is not open for a decision."), code="task_closed")
        now = timezone.now()
        timekeeping.suspend(task, now)
        record_event(
            actor=actor,
            action="workflow.task_suspended",
            target=task,
            detail={"clock": _clock_detail(task)},
            request=request,
        )
    return task


def resume_task(*, actor: Any, task_id: int, request: HttpRequest | None = None) -> WorkTask:
    """The supplement arrived: the task returns to its holder, its clock goes on."""
    with transaction.atomic():
        task = locked_task_after_run(task_id)
        if task.status != TaskStatus.SUSPENDED:
            raise Conflict(_("This task is not waiting for a supplement."), code="not_suspended")
        timekeeping.resume(task, timezone.now())
        record_event(
            actor=actor,
            action="workflow.task_resumed",
            target=task,
            detail={"clock": _clock_detail(task), "status": task.status},
            request=request,
        )
    return task


def update_data(
    *,
    actor: Any,
    instance_id: int,
    changes: Mapping[str, Any],
    request: HttpRequest | None = None,
) -> ProcessInstance:
    """Give the run corrected facts for the steps it has still to take (an applicant's
    corrected answers, 补正); in the caller's transaction, audited with the names changed."""
    with transaction.atomic():
        instance = locked_instance(instance_id)
        if instance.status != InstanceStatus.RUNNING:
            return instance
        context = ServiceContext(actor=actor, instance_id=instance.pk)
        run = runs.load(instance, context)
        engine.update_data(run, changes)
        runs.save(instance, run)
        record_event(
            actor=actor,
            action="workflow.data_updated",
            target=instance,
            detail={"fields": sorted(changes)},
            request=request,
        )
    return instance


def extend_task(
    *, actor: Any, task_id: int, days: int, request: HttpRequest | None = None
) -> WorkTask:
    """Add working days to the task's limit; the approval is the caller's business."""
    with transaction.atomic():
        task = locked_task_after_run(task_id)
        timekeeping.extend(task, days, timezone.now())
        record_event(
            actor=actor,
            action="workflow.task_extended",
            target=task,
            detail={"days": days, "clock": _clock_detail(task)},
            request=request,
        )
    return task


def _clock_detail(task: WorkTask) -> dict[str, Any]:
    clock = task.clock
    if clock is None:
        return {}
    return {
        "id": clock.pk,
        "state": clock.state,
        "used_days": clock.used_days,
        "limit_days": clock.limit_days + clock.extended_days,
        "due_at": clock.due_at.isoformat() if clock.due_at else None,
    }


def fire_timer(
    *, timer_id: int, instance_id: int | None = None, wait: bool = True
) -> ProcessTimer | None:
    """Fire one due timer of a run through the engine. Safe to run twice at once and
    again later: a timer already fired or cancelled is left alone (None), and so, unless
    ``wait``, is one whose run another step or sweep worker holds at the moment.
    Whatever makes the step fail — the process, or a platform function it calls raising
    anything — is audited and raised as a ``Conflict``, so the sweep can set the timer
    aside and go on with the others."""
    with audited_refusals(
        None, "workflow.timer_fired", ("workflow.processtimer", str(timer_id)), None
    ):
        try:
            return _fire_timer(timer_id, instance_id, wait)
        except engine.ProcessError:
            raise
        except Exception as exc:
            # Unlike an officer's step, nobody is there to see this error: it must reach
            # the audit log and leave the sweep running.
            raise engine.ProcessError(
                msg(_("The process stopped at %(task)s."), task=f"timer {timer_id}"),
                detail=f"{type(exc).__name__}: {exc}",
            ) from exc


def _fire_timer(timer_id: int, instance_id: int | None, wait: bool) -> ProcessTimer | None:
    # The escalation a timer leads to and the firing are chained together, at the end.
    with atomic_audit_last():
        # The sweep knows the run (it never changes); otherwise look it up.
        found = instance_id or (
            ProcessTimer.objects.filter(pk=timer_id).values_list("instance_id", flat=True).first()
        )
        if found is None:
            return None
        # Instance first, then the timer: the lock order of every step. Without ``wait``
        # a run another step or sweep worker holds is left for later, so that several
        # workers can share a sweep's timers.
        instance = runs_to_step(skip_locked=not wait).filter(pk=found).first()
        if instance is None:
            return None
        timer = (
            ProcessTimer.objects.select_for_update(skip_locked=True)
            .filter(pk=timer_id, status=TimerStatus.WAITING)
            .first()
        )
        if timer is None or instance.status != InstanceStatus.RUNNING:
            return None
        now = timezone.now()
        context = ServiceContext(
            instance_id=instance.pk,
            extra={"task_id": timer.task_id, "timer_id": timer.pk, "now": now},
        )
        run = runs.load(instance, context)
        engine.fire_timer(run, timer.spiff_task_id, context=context)
        timer.status, timer.fired_at = TimerStatus.FIRED, now
        timer.save(update_fields=["status", "fired_at"])
        runs.save(instance, run)
        created, cancelled = runs.sync_tasks(instance, run)
        record_event(
            actor=None,
            action="workflow.timer_fired",
            target=timer,
            detail={
                "instance": instance.pk,
                "timer": timer.bpmn_id,
                "task": timer.task_id,
                "next": [t.bpmn_id for t in created],
                "cancelled": cancelled,
            },
        )
    return timer
