"""A run's life in the database: its spec, its stored state and its officers' task rows.

The services (``services.py``, ``limits.py``) call these inside their transaction, holding the
instance's row lock; nothing here commits, audits or checks permissions.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onewindow.core.errors import Conflict
from onewindow.identity.models import Department
from onewindow.workflow import engine, timekeeping
from onewindow.workflow.bundle import BundleError
from onewindow.workflow.choices import OPEN_TASK_STATUSES, InstanceStatus, TaskStatus
from onewindow.workflow.models import ProcessDefinition, ProcessInstance, WorkTask
from onewindow.workflow.registry import ServiceContext
from onewindow.workflow.validation import BundleFacts


def lane_departments(facts: BundleFacts) -> dict[str, Department]:
    codes = {lane.department_code for lane in facts.lanes.values()}
    return {d.code: d for d in Department.objects.filter(code__in=codes)}


def spec_of(definition: ProcessDefinition) -> engine.ProcessSpec:
    # Parsed once per process: the files are read only then (a step's query may leave
    # them out, see steps.runs_to_step).
    def files() -> tuple[str, Mapping[str, str]]:
        return definition.bpmn_xml, definition.dmn_files

    try:
        return engine.spec_loading(definition.spec_key, files)
    except BundleError as exc:  # e.g. a platform function it calls was removed since
        raise engine.ProcessError(
            _("This process version can no longer be loaded."), detail=str(exc)
        ) from exc


def save(instance: ProcessInstance, run: engine.Run) -> None:
    """Store the run's state if nobody else changed the instance since it was read."""
    state = engine.dump_state(run)
    status = InstanceStatus.COMPLETED if engine.is_completed(run) else InstanceStatus.RUNNING
    now = timezone.now()
    updated = ProcessInstance.objects.filter(pk=instance.pk, revision=instance.revision).update(
        state=state,
        serializer_version=engine.STATE_VERSION,
        status=status,
        revision=F("revision") + 1,
        updated_at=now,
    )
    if updated != 1:
        raise Conflict(_("This case changed meanwhile; reload it and try again."))
    instance.state, instance.status, instance.updated_at = state, status, now
    instance.serializer_version = engine.STATE_VERSION
    instance.revision += 1


def sync_tasks(instance: ProcessInstance, run: engine.Run) -> tuple[list[WorkTask], list[str]]:
    """Make the open task rows match the run's ready user tasks: create rows for new
    ones (in their department's inbox, with their clocks), cancel rows whose task the
    run dropped (a timer, a terminated branch); then the timer rows likewise."""
    now = timezone.now()
    ready = {task.id: task for task in engine.ready_user_tasks(run)}
    # Ids first: most steps leave every open task open (a reminder's timer, one branch
    # of several), so whole rows are read only for the tasks the run dropped.
    open_rows = dict(
        instance.tasks.filter(status__in=OPEN_TASK_STATUSES).values_list("spiff_task_id", "pk")
    )
    gone_ids = [pk for spiff_id, pk in open_rows.items() if spiff_id not in ready]
    gone = (
        list(WorkTask.objects.filter(pk__in=gone_ids).select_related("clock")) if gone_ids else []
    )
    if gone:
        WorkTask.objects.filter(pk__in=gone_ids).update(status=TaskStatus.CANCELLED)
        timekeeping.let_go(gone, now)
    new = [task for spiff_id, task in ready.items() if spiff_id not in open_rows]
    # Read only when a step opened tasks: a reminder's timer opens none.
    departments = lane_departments(run.spec.facts) if new else {}
    created = []
    for task in new:
        lane = run.spec.facts.lanes.get(task.lane)
        step = run.spec.facts.user_tasks.get(task.bpmn_id)
        created.append(
            WorkTask(
                instance=instance,
                spiff_task_id=task.id,
                bpmn_id=task.bpmn_id,
                name=task.name[:200],
                name_en=step.name_en if step else "",
                lane=task.lane,
                department=departments.get(lane.department_code) if lane else None,
                role=lane.role if lane else "",
            )
        )
    timekeeping.clock_new_tasks(created, run.spec.facts, now)
    WorkTask.objects.bulk_create(created)
    timekeeping.queue_new_tasks(created, now)
    timekeeping.sync_timers(instance, run, created)
    return created, [row.bpmn_id for row in gone]


def load(instance: ProcessInstance, context: ServiceContext) -> engine.Run:
    """The instance's run, on the definition version it started on."""
    return engine.load_state(
        spec_of(instance.definition),
        instance.state,
        version=instance.serializer_version,
        context=context,
    )
