"""How every write of the workflow app takes a step: the locks, always a run before its
tasks and timers (so two steps cannot deadlock), and refusals and failed steps audited
after the step's transaction rolled back (``audited_refusals``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from onewindow.audit.models import Outcome as AuditOutcome
from onewindow.audit.services import record_event, refused
from onewindow.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from onewindow.identity.queries import department_scope_filter
from onewindow.workflow import engine
from onewindow.workflow.models import (
    ProcessDefinition,
    ProcessInstance,
    WorkTask,
    process_files,
)


class Refused(Exception):
    """Raised inside a transaction to leave it; the refusal is audited afterwards."""

    def __init__(self, error: Forbidden | NotFound) -> None:
        self.error = error


@contextmanager
def audited_refusals(
    actor: Any, action: str, target: tuple[str, str], request: HttpRequest | None
) -> Iterator[None]:
    """Audit refusals and failed steps in their own transaction, after the step's
    rolled back, then raise them as service errors."""
    try:
        yield
    except Refused as refusal:
        raise refused(
            refusal.error, actor=actor, action=action, target=target, request=request
        ) from None
    except engine.TaskInputError as exc:
        raise InvalidInput(exc.message, fields={exc.field: [exc.message]}) from exc
    except engine.ProcessError as exc:
        record_event(
            actor=actor,
            action=action,
            target=target,
            outcome=AuditOutcome.FAILURE,
            detail={"error": str(exc.message), "detail": exc.detail[:500]},
            request=request,
        )
        raise Conflict(exc.message, code="process_failed") from exc


def definition_target(definition: ProcessDefinition) -> tuple[str, str]:
    return ("workflow.processdefinition", str(definition.pk))


def task_target(task_id: int) -> tuple[str, str]:
    return ("workflow.worktask", str(task_id))


def instance_target(instance_id: int) -> tuple[str, str]:
    return ("workflow.processinstance", str(instance_id))


def visible_task_run(actor: Any, task_id: int) -> int:
    """The run of a task the actor may see, by id (the step locks the rows next); a
    task out of their scope is refused as if it did not exist."""
    scoped = WorkTask.objects.filter(department_scope_filter(actor), pk=task_id)
    instance_id = scoped.values_list("instance_id", flat=True).first()
    if instance_id is None:
        raise Refused(NotFound(_("No such task.")))
    return int(instance_id)


def runs_to_step(*, skip_locked: bool = False) -> QuerySet[ProcessInstance]:
    """Runs read to take a step, locked: always before their tasks and timers. Without
    the process files (tens of kilobytes each step), read only if the spec is not parsed
    yet in this process (``runs.spec_of``)."""
    return (
        ProcessInstance.objects.select_for_update(of=("self",), skip_locked=skip_locked)
        .select_related("definition")
        .defer(*process_files("definition"))
    )


def locked_instance(instance_id: int) -> ProcessInstance:
    return runs_to_step().get(pk=instance_id)


def locked_task_after_run(task_id: int) -> WorkTask:
    """``locked_task``, its run's row locked first (not read): for writes that change
    a task, or its case, without taking a step of the run, so that they keep the order
    of every step (the run, then its tasks) and queue behind a step instead of
    deadlocking with it."""
    instance_id = WorkTask.objects.filter(pk=task_id).values_list("instance_id", flat=True).first()
    if instance_id is not None:
        run = ProcessInstance.objects.select_for_update().filter(pk=instance_id)
        list(run.values_list("pk", flat=True))
    return locked_task(task_id)


def locked_task(task_id: int) -> WorkTask:
    # "of self": the department and clock joins must not be locked (and cannot be, on
    # PostgreSQL, being the nullable side of an outer join). The clock comes along: every
    # step on a task moves it (stops, pauses, extends it).
    return (
        WorkTask.objects.select_for_update(of=("self",))
        .select_related("department", "clock")
        .get(pk=task_id)
    )
