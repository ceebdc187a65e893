"""Writes of the workflow app, each in one transaction with its audit record.

A step of a process (starting it, completing a task, firing its timers) loads the
instance's state under a row lock, runs the engine, saves the new state, updates the
officers' task rows and writes the audit record, all in one transaction: a failure
anywhere leaves the case exactly as it was. Locks are taken instance first, then task,
everywhere, so two steps cannot deadlock.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from onewindow.audit.models import Outcome as AuditOutcome
from onewindow.audit.services import atomic_audit_last, record_event
from onewindow.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from onewindow.identity.queries import department_scope_filter
from onewindow.workflow import engine, permissions, runs, timekeeping
from onewindow.workflow.bundle import BundleError, msg
from onewindow.workflow.choices import (
    OPEN_TASK_STATUSES,
    HolderKind,
    InstanceStatus,
    TaskStatus,
    TimerStatus,
)
from onewindow.workflow.models import ProcessDefinition, ProcessInstance, ProcessTimer, WorkTask
from onewindow.workflow.registry import ServiceContext

MAX_FILE_CHARS = 2_000_000


class _Refused(Exception):
    """Raised inside a transaction to leave it; the refusal is audited afterwards."""

    def __init__(self, error: Forbidden | NotFound) -> None:
        self.error = error


@contextmanager
def _audited_refusals(
    actor: Any, action: str, target: tuple[str, str], request: HttpRequest | None
) -> Iterator[None]:
    """Audit refusals and failed steps in their own transaction, after the step's
    rolled back, then raise them as service errors."""
    try:
        yield
    except _Refused as refused:
        record_event(
            actor=actor,
            action=action,
            target=target,
            outcome=AuditOutcome.DENIED,
            request=request,
        )
        raise refused.error from None
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


def _target(definition: ProcessDefinition) -> tuple[str, str]:
    return ("workflow.processdefinition", str(definition.pk))


def _task_target(task_id: int) -> tuple[str, str]:
    return ("workflow.worktask", str(task_id))


def _instance_target(instance_id: int) -> tuple[str, str]:
    return ("workflow.processinstance", str(instance_id))


# --- definitions ------------------------------------------------------------------


def _bundle_invalid(problems: list[tuple[str, Any]]) -> InvalidInput:
    fields: dict[str, list[Any]] = {}
    for field, message in problems:
        fields.setdefault(field, []).append(message)
    return InvalidInput(problems[0][1], fields=fields)


def upload_definition(
    *,
    actor: Any,
    key: str,
    name: str,
    bpmn_xml: str,
    dmn_files: Mapping[str, str] | None = None,
    request: HttpRequest | None = None,
) -> ProcessDefinition:
    """Validate a bundle and store it as the next version of ``key``.

    ``actor`` None is the system (demo seed, migrations). Anyone else must manage every
    department the process's lanes name.
    """
    dmn_files = dict(dmn_files or {})
    if not key or slugify(key) != key:
        raise InvalidInput(
            _("The key is letters, digits, hyphens and underscores."),
            fields={"key": [_("The key is letters, digits, hyphens and underscores.")]},
        )
    if not name.strip():
        raise InvalidInput(
            _("This field is required."), fields={"name": [_("This field is required.")]}
        )
    if len(bpmn_xml) + sum(len(text) for text in dmn_files.values()) > MAX_FILE_CHARS:
        raise InvalidInput(
            _("The files are too large."), fields={"bpmn_xml": [_("The files are too large.")]}
        )
    try:
        spec = engine.build_spec(bpmn_xml, dmn_files)
    except BundleError as exc:
        raise _bundle_invalid(
            [("dmn_files" if p.source else "bpmn_xml", p.message) for p in exc.problems]
        ) from exc
    departments = runs.lane_departments(spec.facts)
    unknown = [
        lane for lane in spec.facts.lanes.values() if lane.department_code not in departments
    ]
    if unknown:
        raise _bundle_invalid(
            [
                (
                    "bpmn_xml",
                    msg(
                        _("Lane %(name)s names department %(code)s, which does not exist."),
                        name=lane.name,
                        code=lane.department_code,
                    ),
                )
                for lane in unknown
            ]
        )
    if actor is not None and not permissions.can_upload_definition(
        actor, list(departments.values())
    ):
        record_event(
            actor=actor,
            action="workflow.definition_uploaded",
            target=("workflow.processdefinition", key),
            outcome=AuditOutcome.DENIED,
            detail={"departments": sorted(departments)},
            request=request,
        )
        raise Forbidden(
            _("Only an admin of every department in the process's lanes may upload it.")
        )
    try:
        with transaction.atomic():
            latest = ProcessDefinition.objects.filter(key=key).aggregate(v=Max("version"))["v"]
            definition = ProcessDefinition.objects.create(
                key=key,
                version=(latest or 0) + 1,
                name=name.strip(),
                bpmn_xml=bpmn_xml,
                dmn_files=dmn_files,
                created_by=actor,
            )
            record_event(
                actor=actor,
                action="workflow.definition_uploaded",
                target=definition,
                detail={
                    "key": key,
                    "version": definition.version,
                    "sha256": definition.sha256,
                    "process": spec.facts.process_id,
                    "departments": sorted(departments),
                },
                request=request,
            )
    except IntegrityError as exc:  # a concurrent upload took the same version number
        raise Conflict(_("Another version of this process was just uploaded; try again.")) from exc
    return definition


# --- running ----------------------------------------------------------------------


def start_instance(
    *,
    definition: ProcessDefinition,
    data: Mapping[str, Any],
    actor: Any,
    request: HttpRequest | None = None,
) -> ProcessInstance:
    """Start a run of this definition version with ``data`` (small facts, no files).

    Whether ``actor`` may start it is the caller's business (the case being filed).
    """
    with _audited_refusals(actor, "workflow.instance_started", _target(definition), request):
        spec = runs.spec_of(definition)
        with transaction.atomic():
            instance = ProcessInstance.objects.create(
                definition=definition, serializer_version=engine.STATE_VERSION
            )
            context = ServiceContext(actor=actor, instance_id=instance.pk)
            run = engine.start(spec, data, context=context)
            runs.save(instance, run)
            created, _cancelled = runs.sync_tasks(instance, run)
            record_event(
                actor=actor,
                action="workflow.instance_started",
                target=instance,
                detail={"definition": str(definition), "tasks": [t.bpmn_id for t in created]},
                request=request,
            )
    return instance


def _visible_task(actor: Any, task_id: int) -> WorkTask:
    task = WorkTask.objects.filter(department_scope_filter(actor), pk=task_id).first()
    if task is None:
        raise _Refused(NotFound(_("No such task.")))
    return task


def _runs_to_step(*, skip_locked: bool = False) -> QuerySet[ProcessInstance]:
    """Runs read to take a step, locked: always before their tasks and timers. Without
    the process files (tens of kilobytes each step), read only if the spec is not parsed
    yet in this process (``runs.spec_of``)."""
    return (
        ProcessInstance.objects.select_for_update(of=("self",), skip_locked=skip_locked)
        .select_related("definition")
        .defer("definition__bpmn_xml", "definition__dmn_files")
    )


def _locked_instance(instance_id: int) -> ProcessInstance:
    return _runs_to_step().get(pk=instance_id)


def _locked_task(task_id: int) -> WorkTask:
    # "of self": the department join must not be locked (and cannot be, on PostgreSQL,
    # being the nullable side of an outer join).
    return (
        WorkTask.objects.select_for_update(of=("self",))
        .select_related("department")
        .get(pk=task_id)
    )


def claim_task(*, actor: Any, task_id: int, request: HttpRequest | None = None) -> WorkTask:
    """Take a ready task. Of two officers claiming at once, one wins; the other gets a
    Conflict (the row lock serializes them)."""
    with (
        _audited_refusals(actor, "workflow.task_claimed", _task_target(task_id), request),
        transaction.atomic(),
    ):
        _visible_task(actor, task_id)
        task = _locked_task(task_id)
        if not permissions.can_work_on(actor, task):
            raise _Refused(Forbidden(_("This task is for another role or department.")))
        if task.status == TaskStatus.CLAIMED:
            raise Conflict(_("Someone else has already claimed this task."), code="already_claimed")
        if task.status != TaskStatus.READY:
            raise Conflict(_("This task is no longer open."), code="task_closed")
        task.status, task.claimed_by, task.claimed_at = TaskStatus.CLAIMED, actor, timezone.now()
        task.save(update_fields=["status", "claimed_by", "claimed_at"])
        timekeeping.hand_over(task, HolderKind.OFFICER, task.claimed_at, officer=actor)
        record_event(actor=actor, action="workflow.task_claimed", target=task, request=request)
    return task


def release_task(*, actor: Any, task_id: int, request: HttpRequest | None = None) -> WorkTask:
    """Give a claimed task back to the department's inbox."""
    with (
        _audited_refusals(actor, "workflow.task_released", _task_target(task_id), request),
        transaction.atomic(),
    ):
        _visible_task(actor, task_id)
        task = _locked_task(task_id)
        if task.status != TaskStatus.CLAIMED:
            raise Conflict(_("This task is not claimed."), code="not_claimed")
        if not permissions.can_release(actor, task):
            raise _Refused(Forbidden(_("Only the officer who claimed this task may release it.")))
        previous = task.claimed_by_id
        task.status, task.claimed_by, task.claimed_at = TaskStatus.READY, None, None
        task.save(update_fields=["status", "claimed_by", "claimed_at"])
        timekeeping.hand_over(task, HolderKind.QUEUE, timezone.now())
        record_event(
            actor=actor,
            action="workflow.task_released",
            target=task,
            detail={"claimed_by": previous},
            request=request,
        )
    return task


def complete_task(
    *,
    actor: Any,
    task_id: int,
    outcome: str,
    comment: str = "",
    note_for_applicant: str = "",
    data: Mapping[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> WorkTask:
    """Decide a task and advance the process, in one transaction with the new tasks
    and the audit record."""
    with (
        _audited_refusals(actor, "workflow.task_completed", _task_target(task_id), request),
        transaction.atomic(),
    ):
        found = _visible_task(actor, task_id)
        instance = _locked_instance(found.instance_id)
        task = _locked_task(task_id)
        if not permissions.can_work_on(actor, task):
            raise _Refused(Forbidden(_("This task is for another role or department.")))
        if task.status not in OPEN_TASK_STATUSES or instance.status != InstanceStatus.RUNNING:
            raise Conflict(_("This task is no longer open."), code="task_closed")
        if task.status == TaskStatus.SUSPENDED:
            message = _("This task waits for the applicant's supplement.")
            raise Conflict(message, code="awaiting_supplement")
        if not permissions.can_complete(actor, task):
            raise _Refused(Forbidden(_("Another officer has claimed this task.")))
        context = ServiceContext(actor=actor, instance_id=instance.pk)
        run = runs.load(instance, context)
        engine.complete_user_task(
            run, task.spiff_task_id, outcome=outcome, data=dict(data or {}), context=context
        )
        task.status, task.outcome = TaskStatus.COMPLETED, outcome
        task.completed_by, task.completed_at = actor, timezone.now()
        task.comment, task.note_for_applicant = comment, note_for_applicant
        task.save(
            update_fields=[
                "status",
                "outcome",
                "completed_by",
                "completed_at",
                "comment",
                "note_for_applicant",
            ]
        )
        timekeeping.let_go([task], task.completed_at)
        runs.save(instance, run)
        task.instance = instance  # callers read its new status; spare them a reload
        created, cancelled = runs.sync_tasks(instance, run)
        record_event(
            actor=actor,
            action="workflow.task_completed",
            target=task,
            detail={
                "instance": instance.pk,
                "task": task.bpmn_id,
                "outcome": outcome,
                "next": [t.bpmn_id for t in created],
                "cancelled": cancelled,
                "instance_status": instance.status,
            },
            request=request,
        )
    return task


def suspend_task(*, actor: Any, task_id: int, request: HttpRequest | None = None) -> WorkTask:
    """Set a task aside until the applicant supplies missing material (补正): its clock
    and timers stop. The caller (the case's supplement request) runs this inside its
    transaction and has checked the officer may decide the task."""
    with transaction.atomic():
        task = _locked_task(task_id)
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
        task = _locked_task(task_id)
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
        instance = _locked_instance(instance_id)
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
        task = _locked_task(task_id)
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
    with _audited_refusals(
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
        instance = _runs_to_step(skip_locked=not wait).filter(pk=found).first()
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
