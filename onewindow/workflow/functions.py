"""The platform functions the workflow app itself offers to service tasks: recording
the result, and reminding or escalating when a task runs late."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onewindow.audit.services import record_event
from onewindow.identity.queries import holders_in, holders_over
from onewindow.identity.roles import Role
from onewindow.workflow import permissions
from onewindow.workflow.choices import OPEN_TASK_STATUSES, EscalationLevel
from onewindow.workflow.models import Escalation, ProcessInstance, WorkTask
from onewindow.workflow.registry import ServiceCall, register


@register("record_result", label=_("Record the decision on the case"))
def record_result(call: ServiceCall) -> dict[str, Any]:
    """Record the process's decision on the instance, for the case to show and act on.

    The decision is the service task's ``outcome`` parameter when it has one, else the
    last officer's outcome; every officer's outcome is kept too.
    """
    result = {
        "outcome": call.params.get("outcome", call.data.get("outcome", "")),
        "outcomes": call.data.get("outcomes", {}),
        "recorded_by_task": call.task_bpmn_id,
    }
    if call.context.instance_id is not None:
        ProcessInstance.objects.filter(pk=call.context.instance_id).update(result=result)
        record_event(
            actor=call.context.actor,
            action="workflow.result_recorded",
            target=("workflow.processinstance", str(call.context.instance_id)),
            detail=result,
        )
    return result


# --- reminders and escalation -------------------------------------------------------
#
# A process reminds and escalates with non-interrupting boundary timers on a user task,
# each leading to a service task that calls one of these (Camunda Modeler: External,
# topic ``remind_officers`` / ``escalate_to_lead`` / ``escalate_to_supervisor``). The
# timer that fired names the task (``ServiceContext.extra["task_id"]``).


# What deciding and addressing a reminder reads of the late task.
_LATE_TASK_FIELDS = ("role", "department__path", "clock__due_at", "claimed_by__username")


def _late_task(call: ServiceCall) -> WorkTask | None:
    task_id = call.context.extra.get("task_id")
    if task_id is None:
        return None
    # Only what deciding and addressing a reminder reads: at midnight the sweep runs
    # thousands of these, and loading whole rows of four tables was most of their cost.
    return (
        WorkTask.objects.select_related("department", "clock", "claimed_by")
        .only(*_LATE_TASK_FIELDS)
        .filter(pk=task_id, status__in=OPEN_TASK_STATUSES)
        .first()
    )


def _recipients(task: WorkTask, level: str) -> list[Any]:
    if task.department is None:
        return []
    if level == EscalationLevel.REMINDER:
        if task.claimed_by is not None:
            return [task.claimed_by]
        roles = permissions.task_roles(task)
        return list(holders_in(task.department, frozenset(roles)).only("username"))
    role = Role.DEPARTMENT_LEAD if level == EscalationLevel.DEPARTMENT_LEAD else Role.SUPERVISOR
    return list(holders_over(task.department, frozenset({role})).only("username"))


def _escalate(call: ServiceCall, level: str) -> dict[str, Any]:
    task = _late_task(call)
    if task is None:
        return {"level": level, "skipped": "no open task"}
    now = call.context.extra.get("now") or timezone.now()
    skipped = ""
    if (
        level != EscalationLevel.REMINDER
        and task.clock is not None
        and (task.clock.due_at is None or now < task.clock.due_at)
    ):
        # The limit moved (an extension) or stopped (a supplement) since the process
        # set its timer: the task is not late, so nobody is troubled.
        skipped = "not overdue"
    recipients = [] if skipped else _recipients(task, level)
    # Told by the sweep once its timers are fired, with the others of the sweep.
    escalation = Escalation.objects.create(
        task=task,
        level=level,
        timer_id=call.context.extra.get("timer_id"),
        skipped=skipped,
        at=now,
        announce_pending=not skipped,
    )
    # Rows of a new escalation: nothing to compare with, as ``set`` would first.
    Escalation.recipients.through.objects.bulk_create(
        Escalation.recipients.through(escalation=escalation, user=user) for user in recipients
    )
    record_event(
        actor=None,
        action="workflow.task_escalated",
        target=task,
        detail={
            "level": level,
            "recipients": [user.username for user in recipients],
            "skipped": skipped,
        },
    )
    return {"level": level, "notified": len(recipients), "skipped": skipped}


@register("remind_officers", label=_("Remind the officers holding the task"))
def remind_officers(call: ServiceCall) -> dict[str, Any]:
    """Remind whoever holds the task: its claimant, or its department's officers."""
    return _escalate(call, EscalationLevel.REMINDER)


@register("escalate_to_lead", label=_("Tell the department's leads the task is overdue"))
def escalate_to_lead(call: ServiceCall) -> dict[str, Any]:
    """Tell the department's leads that the task is overdue."""
    return _escalate(call, EscalationLevel.DEPARTMENT_LEAD)


@register("escalate_to_supervisor", label=_("Tell the supervisors the task is overdue"))
def escalate_to_supervisor(call: ServiceCall) -> dict[str, Any]:
    """Tell the supervisors over the department that the task is overdue."""
    return _escalate(call, EscalationLevel.SUPERVISOR)
