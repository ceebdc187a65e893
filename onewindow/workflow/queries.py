"""Reads of workflow data, already scoped to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from onewindow.identity.permissions import officer_roots
from onewindow.identity.queries import department_scope_filter
from onewindow.identity.roles import CASEWORK_ROLES, Role
from onewindow.workflow import engine, runs
from onewindow.workflow.bundle import BPMN, local_name, parse_xml
from onewindow.workflow.choices import OPEN_TASK_STATUSES, Outcome, TaskStatus
from onewindow.workflow.drawing import taken_flows
from onewindow.workflow.engine import ProcessError
from onewindow.workflow.models import ProcessDefinition, ProcessInstance, WorkTask
from onewindow.workflow.registry import ServiceContext
from onewindow.workflow.validation import FLOW_NODES, Lane, parse_lane


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


# How many claimed tasks an admin's list shows: the longest held first, which are the
# ones to free (freeing them shows the next).
CLAIMED_SHOWN = 100


def claimed_in_administered(user: Any) -> QuerySet[WorkTask]:
    """Tasks claimed by an officer in the departments the user administers, held longest
    first: an admin frees those whose officer is away (``permissions.can_release``)."""
    admin_of = department_scope_filter(user, roles=frozenset({Role.DEPARTMENT_ADMIN}))
    return _tasks().filter(status=TaskStatus.CLAIMED).filter(admin_of).order_by("claimed_at", "pk")


def task_for_officer(user: Any, task_id: int) -> WorkTask:
    """A task of the user's departments, or ``WorkTask.DoesNotExist`` when it is absent
    *or* out of scope, so officers cannot probe for other departments' tasks."""
    return _tasks().filter(department_scope_filter(user)).get(pk=task_id)


def tasks_of_instance(instance: ProcessInstance) -> QuerySet[WorkTask]:
    """Every task of one run, for the case's timeline. The caller has checked that the
    user may see the case."""
    return _tasks().filter(instance=instance).order_by("created_at", "pk")


def open_tasks_of(instance_id: int) -> list[WorkTask]:
    """A run's steps waiting for an officer now, in the order they were given (what
    comes next after a decision), with their departments."""
    found = WorkTask.objects.filter(instance_id=instance_id, status__in=OPEN_TASK_STATUSES)
    return list(found.select_related("department").order_by("created_at", "pk"))


def departments_reached(instance_id: int) -> set[int]:
    """The departments a run has given a step so far (open or done)."""
    tasks = WorkTask.objects.filter(instance_id=instance_id)
    return set(tasks.values_list("department_id", flat=True).distinct())


def latest_definition(key: str) -> ProcessDefinition:
    """The newest version of a process, which new cases start on."""
    return ProcessDefinition.objects.filter(key=key).order_by("-version")[:1].get()


def definition_version(key: str, version: int) -> ProcessDefinition:
    return ProcessDefinition.objects.get(key=key, version=version)


def allowed_outcomes(task: WorkTask) -> tuple[str, ...]:
    """The outcomes the task's step offers (its ``outcomes`` property, else all)."""
    try:
        facts = runs.spec_of(task.instance.definition).facts.user_tasks.get(task.bpmn_id)
    except ProcessError:
        facts = None
    return facts.outcomes if facts and facts.outcomes else tuple(Outcome.values)


def has_outcome(instance: ProcessInstance, outcome: str) -> bool:
    """Whether any step of the instance's process offers ``outcome``."""
    return offers_outcome(instance.definition, outcome)


def offers_outcome(definition: ProcessDefinition, outcome: str) -> bool:
    """Whether any step of the process offers ``outcome``."""
    facts = runs.spec_of(definition).facts
    return any(outcome in step.outcomes for step in facts.user_tasks.values())


# --- the process diagram ------------------------------------------------------------

ACTIVITIES = frozenset(["userTask", "serviceTask", "scriptTask", "businessRuleTask", "subProcess"])


@dataclass(frozen=True)
class CurrentStep:
    """A current element and the department holding it (blank for a timer or a join)."""

    bpmn_id: str
    department_name: str
    department_name_en: str
    holder_department_code: str


@dataclass(frozen=True)
class Diagram:
    """A run drawn on its process file. Elements in neither ``completed`` nor
    ``current`` are the remaining ones."""

    xml: str  # the BPMN file of the definition the run started on, with its diagram
    completed: list[str]  # element ids, in file order
    current: list[CurrentStep]
    taken_flows: list[str]  # flows whose both ends were reached (and are not both current)
    activities: dict[str, str]  # id → name of every task and subprocess, in file order
    lanes: dict[str, Lane]  # lane id → the department (and role) its name routes to
    names_en: dict[str, str]  # element id → its English name, where the file gives one


def diagram_of(instance: ProcessInstance) -> Diagram:
    """Where the run stands, for its diagram. Reads only: the state is loaded without a
    lock and never saved. The caller has checked that the user may see the run.
    Raises ``engine.ProcessError`` when its definition can no longer be loaded."""
    xml = instance.definition.bpmn_xml
    run = runs.load(instance, ServiceContext(instance_id=instance.pk))
    states = engine.element_states(run)
    nodes: list[str] = []
    activities: dict[str, str] = {}
    lanes: dict[str, Lane] = {}
    root = parse_xml(xml)
    exceptional = _after_boundary_events(root)
    for element in root.iter(f"{{{BPMN}}}*"):
        kind, element_id = local_name(element), element.get("id", "")
        if kind in FLOW_NODES:
            nodes.append(element_id)
            # Reminders and escalations are not steps still to come; only shown once taken.
            if kind in ACTIVITIES and (element_id not in exceptional or element_id in states):
                activities[element_id] = element.get("name") or element_id
        elif kind == "lane" and (lane := parse_lane(element.get("name") or "")):
            lanes[element_id] = lane
    holders: dict[str, list[WorkTask]] = {}
    open_tasks = instance.tasks.filter(status__in=OPEN_TASK_STATUSES).select_related("department")
    for task in open_tasks.order_by("created_at", "pk"):
        holders.setdefault(task.bpmn_id, []).append(task)
    current = []
    for bpmn_id in nodes:
        if states.get(bpmn_id) != engine.CURRENT:
            continue
        departments = [task.department for task in holders.get(bpmn_id, [])] or [None]
        current += [
            CurrentStep(
                bpmn_id=bpmn_id,
                department_name=department.name if department else "",
                department_name_en=department.name_en if department else "",
                holder_department_code=department.code if department else "",
            )
            for department in departments
        ]
    return Diagram(
        xml=xml,
        completed=[n for n in nodes if states.get(n) == engine.COMPLETED],
        current=current,
        taken_flows=taken_flows(root, states),
        activities=activities,
        lanes=lanes,
        names_en=run.spec.facts.names_en,
    )


def _after_boundary_events(root: Any) -> set[str]:
    """Elements reached only through a boundary event: the exception paths (a timer's
    reminder or escalation), which the run takes only when something goes wrong."""
    incoming: dict[str, set[str]] = {}
    for flow in root.iter(f"{{{BPMN}}}sequenceFlow"):
        incoming.setdefault(flow.get("targetRef", ""), set()).add(flow.get("sourceRef", ""))
    found = {e.get("id", "") for e in root.iter(f"{{{BPMN}}}boundaryEvent")}
    changed = True
    while changed:
        changed = False
        for target, sources in incoming.items():
            if target not in found and sources and sources <= found:
                found.add(target)
                changed = True
    return found
