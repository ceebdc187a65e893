"""Telling officers about their cases' time limits, and applicants when theirs is late.

The workflow app announces clock alerts and escalations (``workflow.events``); these
receivers, connected in ``CasesConfig.ready``, turn them into notifications with the
case's number, in the same transaction. Dedupe keys carry the deadline, so an alert
is sent once per deadline: an extension that moves the deadline may warn again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.urls import reverse

from onewindow.cases import notifications
from onewindow.cases.models import Case
from onewindow.cases.queries import cases_by_instance
from onewindow.identity.queries import holders_in
from onewindow.notifications import services as notify
from onewindow.workflow import clocks
from onewindow.workflow import permissions as workflow_permissions
from onewindow.workflow.choices import OPEN_TASK_STATUSES, AlertLevel, EscalationLevel
from onewindow.workflow.models import Clock, Escalation, WorkTask


def officers_holding(task: WorkTask) -> list[Any]:
    """Who should hear about a task: its claimant, else the officers of its
    department who may take it."""
    if task.claimed_by is not None:
        return [task.claimed_by]
    if task.department is None:
        return []
    return list(holders_in(task.department, frozenset(workflow_permissions.task_roles(task))))


def _department_name(task: WorkTask, language: str) -> str:
    if task.department is None:
        return ""
    return str(task.department.display_name(language))


def tell(
    recipients: Iterable[Any],
    kind: str,
    *,
    dedupe_key: str,
    case: Case,
    task: WorkTask | None,
    link: str,
    **context: Any,
) -> None:
    for user in recipients:
        language = user.preferred_language or "zh-hans"
        notify.notify(
            recipient=user,
            kind=kind,
            dedupe_key=dedupe_key,
            link=link,
            context={
                "number": case.number,
                "service": case.service_name,
                "task": task.name if task else "",
                "department": _department_name(task, language) if task else "",
                **context,
            },
        )


def tell_holders(task: WorkTask, kind: str, *, dedupe_key: str, case: Case, **context: Any) -> None:
    tell(
        officers_holding(task),
        kind,
        dedupe_key=dedupe_key,
        case=case,
        task=task,
        link=reverse("cases:task", args=[task.pk]),
        **context,
    )


def due_day(clock: Clock | None) -> date | str:
    """The day a limit ends, as the pages show it (a limit ends at the midnight after
    its last working day; "by 03-12 00:00" reads as one day more than "by 03-11")."""
    day = clocks.last_day(clock.due_at) if clock is not None else None
    return day or ""


def _due_key(due: datetime | None) -> str:
    return due.isoformat() if due else "-"


def on_clock_alerted(sender: Any, clock: Clock, level: int, now: datetime, **kwargs: Any) -> None:
    overdue = level == AlertLevel.OVERDUE
    kind = "task_overdue" if overdue else "task_warning"
    key = f"clock:{clock.pk}:{'overdue' if overdue else 'warning'}:{_due_key(clock.due_at)}"
    task = WorkTask.objects.select_related("department", "claimed_by").filter(clock=clock).first()
    if task is not None:
        case = cases_by_instance([task.instance_id]).get(task.instance_id)
        if case is not None:
            tell_holders(task, kind, dedupe_key=key, case=case, due=due_day(clock))
        return
    case = Case.objects.select_related("applicant").filter(clock=clock).first()
    if case is None:
        return
    open_tasks = WorkTask.objects.select_related("department", "claimed_by").filter(
        instance_id=case.instance_id, status__in=OPEN_TASK_STATUSES
    )
    for open_task in open_tasks:
        tell_holders(open_task, kind, dedupe_key=key, case=case, due=due_day(clock))
    if overdue:
        notifications.tell_applicant(
            case, "case_overdue", dedupe_key=key, service=case.service_name, due=due_day(clock)
        )


def on_task_escalated(sender: Any, escalation: Escalation, **kwargs: Any) -> None:
    task = escalation.task
    case = cases_by_instance([task.instance_id]).get(task.instance_id)
    if case is None:
        return
    reminder = escalation.level == EscalationLevel.REMINDER
    holder = task.claimed_by.full_name if task.claimed_by else ""
    tell(
        escalation.recipients.all(),
        "task_reminder" if reminder else "task_escalated",
        dedupe_key=f"escalation:{escalation.pk}",
        case=case,
        task=task,
        link=reverse("cases:task", args=[task.pk]),
        due=due_day(task.clock),
        holder=holder,
        level=escalation.level,
    )
