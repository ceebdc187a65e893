"""Telling officers about their cases' time limits, and applicants when theirs is late.

Helpers for the notices about tasks and their time limits: who holds a task, the
notices with the case's number, the day a limit ends. The sweep's alerts, reminders and
escalations are told by ``announcements``. Dedupe keys carry the deadline, so an alert
is sent once per deadline: an extension that moves the deadline may warn again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.urls import reverse

from onewindow.cases import presenters
from onewindow.cases.models import Case
from onewindow.identity.queries import holders_in
from onewindow.notifications import services as notify
from onewindow.notifications.services import Notice
from onewindow.workflow import clocks
from onewindow.workflow import permissions as workflow_permissions
from onewindow.workflow.models import Clock, WorkTask


def holders(task: WorkTask) -> list[Any]:
    """Who should hear about a task: its claimant, else the officers of its department
    who may take it."""
    if task.claimed_by is not None:
        return [task.claimed_by]
    if task.department is None:
        return []
    return list(holders_in(task.department, frozenset(workflow_permissions.task_roles(task))))


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
                "service": presenters.service_name(case),
                "task": presenters.task_name(task) if task else "",
                # Lazy, as the names above: a notice is rendered in each language.
                "department": (
                    presenters.department_name(task.department) if task and task.department else ""
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
    recipients: Iterable[Any] | None = None,
    **context: Any,
) -> list[Notice]:
    """Notices about ``task`` for its holders, or for ``recipients``."""
    return notices(
        holders(task) if recipients is None else recipients,
        kind,
        dedupe_key=dedupe_key,
        case=case,
        task=task,
        link=reverse("cases:task", args=[task.pk]),
        **context,
    )


def tell_holders(task: WorkTask, kind: str, *, dedupe_key: str, case: Case, **context: Any) -> None:
    notify.notify_all(holder_notices(task, kind, dedupe_key=dedupe_key, case=case, **context))


def due_day(clock: Clock | None) -> str:
    """The day a limit ends, as the pages show it (a limit ends at the midnight after
    its last working day; "by 03-12 00:00" reads as one day more than "by 03-11"), and
    written as they write it (2026-03-11) in every language: a template's default date
    format would write "2026年3月11日" in a notice beside a page's 2026-03-11."""
    return day_of(clock.due_at if clock is not None else None)


def day_of(due_at: datetime | None) -> str:
    """``due_day`` of a deadline read without its clock."""
    day = clocks.last_day(due_at)
    return day.isoformat() if day else ""
