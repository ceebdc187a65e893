"""Reads of workflow data, already scoped to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from onewindow.identity.permissions import officer_roots
from onewindow.identity.queries import department_scope_filter
from onewindow.identity.roles import Role
from onewindow.workflow import runs
from onewindow.workflow.choices import OPEN_TASK_STATUSES, Outcome
from onewindow.workflow.engine import ProcessError
from onewindow.workflow.models import ProcessDefinition, ProcessInstance, WorkTask
from onewindow.workflow.permissions import CASEWORK_ROLES


def _workable_filter(user: Any) -> Q:
    """Tasks whose lane designates the user: the department lies under one where the
    user holds a casework role, and the lane names no role or that role."""
    condition = Q(pk__in=[])
    for role in sorted(CASEWORK_ROLES):
        for root in officer_roots(user, frozenset({Role(role)})):
            condition |= Q(department__path__startswith=root.path) & Q(role__in=["", role])
    return condition


def _tasks() -> QuerySet[WorkTask]:
    return WorkTask.objects.select_related(
        "department", "instance__definition", "claimed_by", "completed_by", "clock"
    )


def inbox(user: Any) -> QuerySet[WorkTask]:
    """Open tasks the user could work on: ready ones and those claimed (by anyone),
    oldest first, within the user's departments."""
    return (
        _tasks()
        .filter(status__in=OPEN_TASK_STATUSES)
        .filter(department_scope_filter(user))
        .filter(_workable_filter(user))
        .order_by("created_at", "pk")
    )


def task_for_officer(user: Any, task_id: int) -> WorkTask:
    """A task of the user's departments, or ``WorkTask.DoesNotExist`` when it is absent
    *or* out of scope, so officers cannot probe for other departments' tasks."""
    return _tasks().filter(department_scope_filter(user)).get(pk=task_id)


def tasks_of_instance(instance: ProcessInstance) -> QuerySet[WorkTask]:
    """Every task of one run, for the case's timeline. The caller has checked that the
    user may see the case."""
    return _tasks().filter(instance=instance).order_by("created_at", "pk")


def latest_definition(key: str) -> ProcessDefinition:
    """The newest version of a process, which new cases start on."""
    return ProcessDefinition.objects.filter(key=key).order_by("-version")[:1].get()


def allowed_outcomes(task: WorkTask) -> tuple[str, ...]:
    """The outcomes the task's step offers (its ``outcomes`` property, else all)."""
    try:
        facts = runs.spec_of(task.instance.definition).facts.user_tasks.get(task.bpmn_id)
    except ProcessError:
        facts = None
    return facts.outcomes if facts and facts.outcomes else tuple(Outcome.values)


def has_outcome(instance: ProcessInstance, outcome: str) -> bool:
    """Whether any step of the instance's process offers ``outcome``."""
    facts = runs.spec_of(instance.definition).facts
    return any(outcome in step.outcomes for step in facts.user_tasks.values())
