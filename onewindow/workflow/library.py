"""Reads for the processes' back office: every process by key with its newest version,
a key's versions with the runs each has and what uses each (``process_uses``: the
catalog's items and life events, without this app importing it), and a version's
outline (lanes, steps, decisions, platform functions, the case data it reads) read from
its parsed spec and its files.
Processes are not secret: every department admin sees them all, as they choose one for
their items."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from onewindow.core.backoffice import KeyRow, newest_of_each_key
from onewindow.core.language import is_english
from onewindow.core.uses import Uses
from onewindow.identity.models import Department
from onewindow.identity.roles import Role
from onewindow.workflow import routes, runs
from onewindow.workflow.choices import InstanceStatus, Outcome
from onewindow.workflow.data_names import DataName, names_read
from onewindow.workflow.models import ProcessDefinition, ProcessInstance, process_files
from onewindow.workflow.validation import Lane


def processes() -> list[KeyRow[ProcessDefinition]]:
    """Each process's newest version (without its files), by key."""
    return newest_of_each_key(ProcessDefinition, leave_out=("bpmn_xml", "dmn_files"))


def all_versions() -> QuerySet[ProcessDefinition]:
    """Every version of every process, key by key and newest first, without the files:
    the choices when an item's application is bound to one."""
    return ProcessDefinition.objects.defer("bpmn_xml", "dmn_files").order_by("key", "-version")


def versions_of(key: str) -> QuerySet[ProcessDefinition]:
    """A process's versions, newest first, each with ``runs`` and ``running`` counted
    (without their files, up to megabytes each)."""
    return (
        ProcessDefinition.objects.filter(key=key)
        .select_related("created_by")
        .defer("bpmn_xml", "dmn_files")
        .annotate(
            runs=Count("instances"),
            running=Count("instances", filter=Q(instances__status=InstanceStatus.RUNNING)),
        )
        .order_by("-version")
    )


# Items and life events bound to each version (the catalog registers them).
process_uses = Uses()


@dataclass(frozen=True)
class LaneRow:
    name: str
    department_code: str
    department: Department | None  # None: the code names no department (any more)
    role: str

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label) if self.role else ""


@dataclass(frozen=True)
class StepRow:
    bpmn_id: str
    name: str
    name_en: str
    lane: str
    outcomes: tuple[str, ...]
    time_limit_days: int | None

    @property
    def outcome_labels(self) -> list[str]:
        """The decisions the step offers; none named: all of them."""
        return [str(Outcome(o).label) for o in self.outcomes or Outcome.values]


@dataclass(frozen=True)
class Outline:
    lanes: list[LaneRow]
    steps: list[StepRow]
    decisions: list[str]
    functions: list[str]
    reads: list[DataName]  # the case data its expressions and decision tables read


def longest_route_days(definition: ProcessDefinition) -> int:
    """The most working days the version's steps allow one after another (``routes``),
    counted from acceptance as a case's own clock is: a step that accepts (受理) comes
    before it. ``engine.ProcessError`` when the version no longer loads."""
    facts = runs.spec_of(definition).facts
    limits = {
        bpmn_id: 0 if Outcome.ACCEPT in (task.outcomes or ()) else task.time_limit_days or 0
        for bpmn_id, task in facts.user_tasks.items()
    }
    return routes.longest_route_days(facts, limits)


def lanes_of(definition: ProcessDefinition) -> list[Lane]:
    """The version's lanes, each the department (and role) its name routes to."""
    return list(runs.spec_of(definition).facts.lanes.values())


def departments_of_run(instance_id: int) -> list[Department]:
    """The departments a run's process routes to (its lanes', ``outline``), each once,
    in the file's order; its files are read only when this worker has not parsed the
    version yet. ``engine.ProcessError`` when the version no longer loads."""
    run = (
        ProcessInstance.objects.select_related("definition")
        .defer(*process_files("definition"))
        .get(pk=instance_id)
    )
    lanes = outline(run.definition).lanes
    return list(dict.fromkeys(lane.department for lane in lanes if lane.department is not None))


def element_name(definition: ProcessDefinition, element_id: str) -> str:
    """What the diagram calls an element, in the reader's language: its ``name_en``
    property on English pages where the file gives one, else its name, else its id.
    ``engine.ProcessError`` when the version no longer loads."""
    facts = runs.spec_of(definition).facts
    english = facts.names_en.get(element_id, "")
    if is_english() and english:
        return english
    return facts.names.get(element_id) or element_id


def outline(definition: ProcessDefinition) -> Outline:
    """What a version routes where, from its parsed spec (``engine.ProcessError`` when it
    no longer loads, e.g. a platform function it calls was removed)."""
    facts = runs.spec_of(definition).facts
    departments = runs.lane_departments(facts)
    return Outline(
        lanes=[
            LaneRow(
                lane.name, lane.department_code, departments.get(lane.department_code), lane.role
            )
            for lane in facts.lanes.values()
        ],
        steps=[
            StepRow(
                task.bpmn_id,
                task.name,
                task.name_en,
                task.lane,
                task.outcomes,
                task.time_limit_days,
            )
            for task in facts.user_tasks.values()
        ],
        decisions=sorted(facts.decisions),
        functions=sorted(facts.service_functions),
        reads=names_read(definition.bpmn_xml, definition.dmn_files),
    )
