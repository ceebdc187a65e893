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

from django.db.models import QuerySet
from django.urls import reverse

from onewindow.cases import notifications
from onewindow.cases.models import Case
from onewindow.cases.queries import cases_by_instance
from onewindow.identity.queries import holders_in
from onewindow.notifications import services as notify
from onewindow.notifications.services import Notice
from onewindow.workflow import clocks
from onewindow.workflow import permissions as workflow_permissions
from onewindow.workflow.choices import OPEN_TASK_STATUSES, AlertLevel, EscalationLevel
from onewindow.workflow.models import Clock, Escalation, WorkTask


class Holders:
    """Who should hear about a task: its claimant, else the officers of its department
    who may take it. Remembers each department's officers, for a batch of alerts."""

    def __init__(self) -> None:
        self._found: dict[tuple[int, frozenset[str]], list[Any]] = {}

    def of(self, task: WorkTask) -> list[Any]:
        if task.claimed_by is not None:
            return [task.claimed_by]
        if task.department is None:
            return []
        roles = frozenset(workflow_permissions.task_roles(task))
        key = (task.department.pk, roles)
        if key not in self._found:
            self._found[key] = list(holders_in(task.department, roles))
        return self._found[key]


def _department_name(task: WorkTask, language: str) -> str:
    if task.department is None:
        return ""
    return str(task.department.display_name(language))


def notices(
    recipients: Iterable[Any],
    kind: str,
    *,
    dedupe_key: str,
    case: Case,
    task: WorkTask | None,
    link: str,
    **context: Any,
) -> list[Notice]:
    return [
        Notice(
            recipient=user,
            kind=kind,
            dedupe_key=dedupe_key,
            link=link,
            context={
                "number": case.number,
                "service": case.service_name,
                "task": task.name if task else "",
                "department": (
                    _department_name(task, user.preferred_language or "zh-hans") if task else ""
                ),
                **context,
            },
        )
        for user in recipients
    ]


def tell(*args: Any, **kwargs: Any) -> None:
    """Send ``notices(...)`` (same arguments) at once."""
    notify.notify_all(notices(*args, **kwargs))


def holder_notices(
    task: WorkTask,
    kind: str,
    *,
    dedupe_key: str,
    case: Case,
    holders: Holders | None = None,
    **context: Any,
) -> list[Notice]:
    return notices(
        (holders or Holders()).of(task),
        kind,
        dedupe_key=dedupe_key,
        case=case,
        task=task,
        link=reverse("cases:task", args=[task.pk]),
        **context,
    )


def tell_holders(task: WorkTask, kind: str, *, dedupe_key: str, case: Case, **context: Any) -> None:
    notify.notify_all(holder_notices(task, kind, dedupe_key=dedupe_key, case=case, **context))


def due_day(clock: Clock | None) -> date | str:
    """The day a limit ends, as the pages show it (a limit ends at the midnight after
    its last working day; "by 03-12 00:00" reads as one day more than "by 03-11")."""
    day = clocks.last_day(clock.due_at) if clock is not None else None
    return day or ""


def _due_key(due: datetime | None) -> str:
    return due.isoformat() if due else "-"


def _tasks() -> QuerySet[WorkTask]:
    return WorkTask.objects.select_related("department", "claimed_by")


def on_clocks_alerted(
    sender: Any, alerts: list[tuple[Clock, int]], now: datetime, **kwargs: Any
) -> None:
    """A task's clock: its holders hear of it. A case's clock: the holders of the case's
    open tasks, and, once overdue, the applicant. The whole batch is read in a few
    queries and written with one ``notify_all``."""
    ids = [clock.pk for clock, _level in alerts]
    tasks = {task.clock_id: task for task in _tasks().filter(clock__in=ids)}
    cases = cases_by_instance(sorted({task.instance_id for task in tasks.values()}))
    case_of_clock = {
        case.clock_id: case
        for case in Case.objects.select_related("applicant").filter(
            clock__in=[pk for pk in ids if pk not in tasks]
        )
    }
    open_tasks: dict[int, list[WorkTask]] = {}
    for open_task in _tasks().filter(
        instance__in={case.instance_id for case in case_of_clock.values()},
        status__in=OPEN_TASK_STATUSES,
    ):
        open_tasks.setdefault(open_task.instance_id, []).append(open_task)
    holders = Holders()
    found: list[Notice] = []
    for clock, level in alerts:
        overdue = level == AlertLevel.OVERDUE
        kind = "task_overdue" if overdue else "task_warning"
        key = f"clock:{clock.pk}:{'overdue' if overdue else 'warning'}:{_due_key(clock.due_at)}"
        task = tasks.get(clock.pk)
        if task is not None:
            case = cases.get(task.instance_id)
            if case is not None:
                found += holder_notices(
                    task, kind, dedupe_key=key, case=case, holders=holders, due=due_day(clock)
                )
            continue
        case = case_of_clock.get(clock.pk)
        if case is None:
            continue
        for open_task in open_tasks.get(case.instance_id or 0, []):
            found += holder_notices(
                open_task, kind, dedupe_key=key, case=case, holders=holders, due=due_day(clock)
            )
        if overdue:
            found.append(
                notifications.applicant_notice(
                    case, "case_overdue", key, service=case.service_name, due=due_day(clock)
                )
            )
    notify.notify_all(found)


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
