"""The workflow engine: SpiffWorkflow behind a small, typed facade.

This is the only module that imports SpiffWorkflow (a test enforces it), so an upgrade
or a replacement touches one file. The rest of the app sees:

- ``ProcessSpec``: a parsed, validated bundle (one BPMN file and its DMN files), shared
  read-only by every run of that definition and cached in-process by ``spec_for``;
- ``Run``: one running process; ``start``, ``ready_user_tasks``, ``complete_user_task``,
  ``waiting_timers``, ``fire_timer``, ``is_completed`` act on it;
- ``dump_state``/``load_state``: the run's state as JSON *without* the process spec, which
  SpiffWorkflow's default serializer would embed in every save. The caller stores the
  definition it came from and passes its spec back when loading.

Every expression runs in the sandbox (``sandbox.py``); service tasks call platform
functions from ``registry.py``. Errors come out as ``BundleError`` (a bundle that cannot
become a process, with one message per problem) or ``ProcessError`` (a run that cannot
proceed, with the expression that failed on the data where one did: ``failures.py``);
no SpiffWorkflow exception leaves this module.
"""

from __future__ import annotations

import copy
import json
import logging
import re
import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, cast
from uuid import UUID

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.bpmn.util.subworkflow import BpmnSubWorkflow
from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine
from SpiffWorkflow.dmn.specs.model import HitPolicy
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.specs.Join import Join
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.parser.task_spec import BusinessRuleTaskParser, ServiceTaskParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.specs.defaults import BusinessRuleTask, ServiceTask
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from onewindow.workflow import decisions, registry, validation
from onewindow.workflow.bundle import (
    BundleError,
    Problem,
    msg,
    prepare_for_engine,
    read_bundle,
    with_names,
)
from onewindow.workflow.failures import ExpressionFailure, evaluation_failure, in_rule
from onewindow.workflow.registry import ServiceCall, ServiceContext
from onewindow.workflow.sandbox import SandboxEnvironment
from onewindow.workflow.state import from_version_1
from onewindow.workflow.validation import BundleFacts

logger = logging.getLogger(__name__)

# Version of what dump_state writes. Bump it when the format changes and add a function
# to _STATE_MIGRATIONS that upgrades the previous version, so stored runs keep loading.
STATE_VERSION = 2
_STATE_MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {
    1: from_version_1,
}

# Task data is copied into every task of a run and stored with it: keep it to the facts
# a decision needs, and put documents and files in the case, referenced by id.
MAX_DATA_BYTES = 32 * 1024

SPEC_CACHE_SIZE = 128

# The note SpiffWorkflow's DMN engine adds to an error in a decision table's rule.
_RULE_ROW = re.compile(r"Rule failed on row (\d+)")


class ProcessError(Exception):
    """A run cannot proceed: a refused task, bad data, or a failing expression."""

    def __init__(
        self,
        message: Promise | str,
        *,
        detail: str = "",
        element: str = "",
        failure: ExpressionFailure | None = None,
    ) -> None:
        super().__init__(f"{message} {detail}".strip())
        self.message = message
        self.detail = detail
        self.element = element  # the BPMN id of the element that failed, where known
        self.failure = failure  # the expression that failed on the data, where one did


class TaskInputError(ProcessError):
    """The data or outcome given for a task is refused; ``field`` names which."""

    def __init__(self, message: Promise | str, *, field: str, detail: str = "") -> None:
        super().__init__(message, detail=detail)
        self.field = field


@dataclass(frozen=True)
class ProcessSpec:
    key: str  # what identifies the definition, e.g. "<id>:<sha256>"; stored with each state
    facts: BundleFacts
    _spec: Any = field(repr=False)
    _subprocess_specs: dict[str, Any] = field(repr=False)


@dataclass(frozen=True)
class ReadyTask:
    id: str  # SpiffWorkflow's task UUID, stable across saves
    bpmn_id: str
    name: str
    lane: str
    outcomes: tuple[str, ...]
    data: dict[str, Any]


class _ScriptEngine(PythonScriptEngine):
    """Evaluates in the sandbox and dispatches service tasks to the registry."""

    def __init__(self, context: ServiceContext) -> None:
        super().__init__(environment=SandboxEnvironment())
        self.context = context
        # The last expression that failed, with the error SpiffWorkflow raised for it.
        self.failed: tuple[SpiffWorkflowException, ExpressionFailure] | None = None

    def evaluate(self, task: Any, expression: str, external_context: Any = None) -> Any:
        try:
            return super().evaluate(task, expression, external_context)
        except SpiffWorkflowException as exc:
            # SpiffWorkflow raises its own error from the sandbox's (``__context__``).
            data = {**(external_context or {}), **task.data}
            self.failed = (exc, evaluation_failure(expression, exc.__context__, data))
            raise

    def failure_of(self, exc: SpiffWorkflowException) -> ExpressionFailure | None:
        """The failed expression behind ``exc``, with the decision table's rule that the
        DMN engine noted on its way out ("Rule failed on row 2")."""
        if self.failed is None or self.failed[0] is not exc:
            return None
        rows = (_RULE_ROW.fullmatch(note.strip()) for note in getattr(exc, "notes", []))
        row = next((int(match[1]) for match in rows if match), None)
        return in_rule(self.failed[1], row)

    def call_service(self, task: Any, **kwargs: Any) -> str:
        # Replaces SpiffWorkflow's version, whose error path refers to an undefined name.
        # Errors of the platform function propagate unchanged and roll back the step.
        name = kwargs["operation_name"]
        params = {key: value["value"] for key, value in kwargs["operation_params"].items()}
        try:
            function = registry.get(name)
        except registry.UnknownServiceFunction:  # unregistered since the upload
            message = msg(_("No platform function is called %(name)s."), name=name)
            raise ProcessError(message) from None
        call = ServiceCall(
            name=name,
            task_bpmn_id=task.task_spec.bpmn_id,
            params=params,
            data=copy.deepcopy(task.data),
            context=self.context,
        )
        return json.dumps(function(call))


@dataclass
class Run:
    spec: ProcessSpec
    _workflow: Any = field(repr=False)  # a BpmnWorkflow; only this module touches it
    _engine: _ScriptEngine = field(repr=False)
    # BPMN ids of the elements completed so far. The stored state leaves out finished
    # tasks no live task needs (ADR 0015), so the path taken is kept here for the
    # diagram; it is bounded by the process's size (loops are refused at upload).
    _trail: frozenset[str] = field(default=frozenset(), repr=False)


# --- parsing ----------------------------------------------------------------------


class _ServiceTaskParser(ServiceTaskParser):
    """Also accepts Camunda Modeler's ``camunda:type="external" camunda:topic="name"``."""

    def parse_extensions(self, node: Any = None) -> dict[str, Any]:
        extensions: dict[str, Any] = super().parse_extensions(node)
        name = validation.service_function_name(self.node if node is None else node)
        if "serviceTaskOperator" not in extensions and name:
            extensions["serviceTaskOperator"] = {
                "name": name,
                "resultVariable": None,
                "parameters": {},
            }
        return extensions


class _BusinessRuleTaskParser(BusinessRuleTaskParser):
    """Also accepts Camunda Modeler's ``camunda:decisionRef``."""

    @staticmethod
    def get_decision_ref(node: Any) -> str | None:
        return validation.decision_ref(node)


class _DMNEngine(DMNEngine):
    """A decision no rule matches gives each of its outputs None (COLLECT: an empty
    list), as Camunda's does, so the gateway after it reads a value and can take its
    default flow (QA: SpiffWorkflow left the name out, and the gateway stopped on it).
    Under the hit policy UNIQUE, two rules matching stop the run, as Camunda's engine
    does (DMN-03001): SpiffWorkflow took the first, as under FIRST, so a table whose
    rules were meant to exclude each other routed their overlap by its order, unsaid."""

    def decide(self, task: Any) -> list[Any]:
        if self.decision_table.hit_policy != HitPolicy.UNIQUE.value:
            return cast(list[Any], super().decide(task))
        # SpiffWorkflow's own test of one rule (name-mangled: private to DMNEngine).
        check_rule = self._DMNEngine__check_rule
        matched = [rule for rule in self.decision_table.rules if check_rule(rule, task)]
        if len(matched) > 1:
            rows = ", ".join(str(rule.row_number) for rule in matched)
            raise WorkflowTaskException(
                f"Decision table {self.decision_table.id}: its hit policy UNIQUE lets one rule "
                f"match, and rules {rows} match the data; make the rules exclude each other, "
                "or choose the hit policy FIRST.",
                task=task,
            )
        return matched

    def result(self, task: Any) -> dict[str, Any]:
        found: dict[str, Any] = super().result(task)
        collect = self.decision_table.hit_policy == "COLLECT"
        for output in self.decision_table.outputs:
            name = output.name or output.label
            if name and "." not in name and name not in found:
                found[name] = [] if collect else None
        return found


class _Parser(SpiffBpmnParser):
    OVERRIDE_PARSER_CLASSES = {
        **SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
        full_tag("serviceTask"): (_ServiceTaskParser, ServiceTask),
        full_tag("businessRuleTask"): (_BusinessRuleTaskParser, BusinessRuleTask),
    }

    def get_engine(self, decision_ref: str, node: Any) -> DMNEngine:
        table = super().get_engine(decision_ref, node).decision_table
        return _DMNEngine(table)


def build_spec(
    bpmn_xml: str, dmn_files: Mapping[str, str], *, key: str = "", stored: bool = False
) -> ProcessSpec:
    """Validate and parse a bundle; raise ``BundleError`` naming every problem, with the
    facts the checks read where they got that far. ``stored``: a definition stored
    before, loaded for its runs, whom the checks made at upload only do not stop
    (``validation.check_bundle``)."""
    # A file that is not XML stops the checks (``read_bundle`` names each such file): the
    # BPMN file's checks need its elements, and its business rule tasks every DMN file's
    # decisions.
    bpmn, dmn = read_bundle(bpmn_xml, dmn_files)
    try:
        facts = validation.check_bundle(bpmn, dmn, stored=stored)
    except BundleError as exc:
        named = with_names(exc.problems, bpmn, dmn, exc.facts)
        raise BundleError(named, facts=exc.facts) from None
    # SpiffWorkflow reads only files these checks passed (it is not to see a refused
    # expression or element), and stops at its first objection.
    prepare_for_engine(bpmn)
    parser = _Parser(validator=VALIDATOR)
    try:
        for name, root in dmn.items():
            for decision in decisions.for_engine(root):
                parser.add_dmn_xml(decision, filename=name)
        parser.add_bpmn_xml(bpmn, filename="process.bpmn")
        spec = parser.get_spec(facts.process_id)
        subprocess_specs = parser.get_subprocess_specs(facts.process_id)
    except ValidationException as exc:
        message = msg(_("The process cannot be loaded: %(detail)s"), detail=str(exc))
        source = exc.file_name if exc.file_name in dmn else ""
        problems = with_names([Problem(message, exc.tag, exc.id, source)], bpmn, dmn, facts)
        raise BundleError(problems, facts=facts) from exc
    except Exception as exc:
        # The files passed the checks and the engine's parser still failed on them: an
        # uploaded file is refused, never a 500 (QA: a DMN file's prefix did that once).
        logger.exception("SpiffWorkflow could not parse a bundle the checks passed")
        message = msg(
            _("The process cannot be loaded: the workflow engine could not read it (%(error)s)."),
            error=type(exc).__name__,
        )
        raise BundleError([Problem(message)], facts=facts) from exc
    return ProcessSpec(key=key, facts=facts, _spec=spec, _subprocess_specs=subprocess_specs)


_cache: OrderedDict[str, ProcessSpec] = OrderedDict()
_cache_lock = threading.Lock()


def spec_for(key: str, bpmn_xml: str, dmn_files: Mapping[str, str]) -> ProcessSpec:
    """The parsed spec for a stored definition, parsed once per process.

    ``key`` must change whenever the files do (the definition's id and content hash):
    specs are shared by every run and never re-read.
    """
    return spec_loading(key, lambda: (bpmn_xml, dmn_files))


def spec_loading(key: str, files: Callable[[], tuple[str, Mapping[str, str]]]) -> ProcessSpec:
    """``spec_for`` with the files read only if the spec is not parsed yet: a step's
    query leaves the tens of kilobytes of a process's files out."""
    with _cache_lock:
        spec = _cache.get(key)
        if spec is not None:
            _cache.move_to_end(key)
            return spec
    bpmn_xml, dmn_files = files()
    spec = build_spec(bpmn_xml, dmn_files, key=key, stored=True)
    with _cache_lock:
        _cache[key] = spec
        while len(_cache) > SPEC_CACHE_SIZE:
            _cache.popitem(last=False)
    return spec


# --- running ----------------------------------------------------------------------


def check_data(data: Mapping[str, Any]) -> None:
    """Task data must be small, plain JSON: no files, no model instances."""
    try:
        size = len(json.dumps(data, ensure_ascii=False).encode("utf-8"))
    except (TypeError, ValueError) as exc:
        message = _("Task data must be plain JSON values.")
        raise TaskInputError(message, field="data", detail=str(exc)) from exc
    if size > MAX_DATA_BYTES:
        message = _("Task data is limited to %(limit)d bytes; keep documents in the case.")
        raise TaskInputError(msg(message, limit=MAX_DATA_BYTES), field="data")


def _step(run: Run, context: ServiceContext, action: Callable[[], Any] | None = None) -> None:
    run._engine.context = context
    run._engine.failed = None
    try:
        if action is not None:
            action()
        run._workflow.do_engine_steps()
        _hold_new_timers(run)
    except SpiffWorkflowException as exc:
        task = getattr(exc, "task_spec", None)
        where = getattr(task, "bpmn_id", None) or getattr(task, "name", "")
        raise ProcessError(
            msg(_("The process stopped at %(task)s."), task=where or "?"),
            detail=str(exc),
            element=where or "",
            failure=run._engine.failure_of(exc),
        ) from exc


def start(spec: ProcessSpec, data: Mapping[str, Any], *, context: ServiceContext) -> Run:
    """A new run with ``data`` as its initial task data, advanced to its first waits."""
    check_data(data)
    engine = _ScriptEngine(context)
    workflow = BpmnWorkflow(spec._spec, spec._subprocess_specs, script_engine=engine)
    workflow.get_tasks(state=TaskState.READY)[0].data.update(copy.deepcopy(dict(data)))
    run = Run(spec=spec, _workflow=workflow, _engine=engine)
    _step(run, context)
    return run


def ready_user_tasks(run: Run) -> list[ReadyTask]:
    result = []
    for task in run._workflow.get_tasks(state=TaskState.READY, manual=True):
        bpmn_id = task.task_spec.bpmn_id
        facts = run.spec.facts.user_tasks.get(bpmn_id)
        result.append(
            ReadyTask(
                id=str(task.id),
                bpmn_id=bpmn_id,
                name=task.task_spec.bpmn_name or bpmn_id,
                # Our lane, not SpiffWorkflow's: tasks inside a subprocess inherit the
                # subprocess's lane, which bpmn-js does not write as a flowNodeRef.
                lane=facts.lane if facts else (task.task_spec.lane or ""),
                outcomes=facts.outcomes if facts else (),
                data=copy.deepcopy(task.data),
            )
        )
    return result


def update_data(run: Run, changes: Mapping[str, Any]) -> int:
    """Corrected facts (an applicant's supplement) for what the run has still to do: the
    data of its open tasks (ready, waiting, started), from which the steps after them
    inherit. Decisions already taken keep the facts they were taken on. Returns how many
    tasks took the changes."""
    check_data(changes)
    tasks = run._workflow.get_tasks(state=TaskState.READY | TaskState.WAITING | TaskState.STARTED)
    for task in tasks:
        task.data.update(copy.deepcopy(dict(changes)))
    return len(tasks)


def complete_user_task(
    run: Run,
    task_id: str,
    *,
    outcome: str,
    data: Mapping[str, Any],
    context: ServiceContext,
) -> None:
    """Record the officer's decision on a ready user task and advance the run.

    The decision lands in the task data as ``outcome`` (what gateway conditions test) and
    in ``outcomes[<bpmn id>]``, which parallel branches merge at their join.
    """
    check_data(data)
    try:
        task = run._workflow.get_task_from_id(UUID(task_id))
    except (SpiffWorkflowException, ValueError):
        task = None
    if task is None or not task.has_state(TaskState.READY) or not task.task_spec.manual:
        raise ProcessError(_("This task is not waiting for a decision."))
    bpmn_id = task.task_spec.bpmn_id
    facts = run.spec.facts.user_tasks.get(bpmn_id)
    if facts and outcome not in facts.outcomes:
        message = _("This task's outcome must be one of: %(outcomes)s.")
        raise TaskInputError(msg(message, outcomes=", ".join(facts.outcomes)), field="outcome")
    task.data.update(copy.deepcopy(dict(data)))
    task.data["outcome"] = outcome
    task.data["outcomes"] = {**(task.data.get("outcomes") or {}), bpmn_id: outcome}
    _step(run, context, task.run)


def is_completed(run: Run) -> bool:
    return bool(run._workflow.is_completed())


# --- timers -----------------------------------------------------------------------
#
# The platform, not the engine, decides when a timer is due: a duration in days counts
# working days on the city's calendar, and a task's clock stops while the applicant
# supplies missing material. SpiffWorkflow instead compares timers with the wall clock
# at every step. So each timer is *held* as soon as it starts waiting: the target that
# SpiffWorkflow computed is replaced by a date it never reaches, and what the process
# asked for is kept beside it (``waiting_timers`` reports it); ``fire_timer`` releases
# one timer when the host says it is due.

_HELD = "9999-12-31T00:00:00+00:00"
_RELEASED = "1970-01-01T00:00:00+00:00"
_TIMER_KEY = "onewindow_timer"


@dataclass(frozen=True)
class WaitingTimer:
    id: str  # the timer event's task id in this run
    bpmn_id: str
    attached_task_id: str  # the task of the activity a boundary timer sits on, or ""
    value: str  # the ISO 8601 date or duration the process asked for
    armed_at: datetime  # when it started waiting (UTC)


@dataclass(frozen=True)
class TimerSchedule:
    """When a timer is due: at a moment, after a span of wall-clock time, or after a
    number of working days (a duration of whole days or weeks and nothing else)."""

    at: datetime | None = None
    working_days: int | None = None


def _timer_tasks(run: Run) -> list[Any]:
    return [
        task
        for task in run._workflow.event_manager.tasks.values()
        if isinstance(task.task_spec.event_definition, TimerEventDefinition)
        and task.has_state(TaskState.WAITING)
    ]


def _hold_new_timers(run: Run) -> None:
    for task in _timer_tasks(run):
        if _TIMER_KEY in task.internal_data:
            continue
        definition = task.task_spec.event_definition
        value = run._engine.evaluate(task, definition.expression)
        if not isinstance(value, str):
            message = msg(
                _("Timer %(id)s must give an ISO 8601 date or duration."),
                id=task.task_spec.bpmn_id,
            )
            raise ProcessError(message, detail=repr(value)[:200])
        task.internal_data[_TIMER_KEY] = {
            "value": value.strip(),
            "armed_at": datetime.now(UTC).isoformat(),
        }
        task.internal_data["event_value"] = _HELD


def waiting_timers(run: Run) -> list[WaitingTimer]:
    """The run's timers that wait for the host to fire them."""
    result = []
    for task in _timer_tasks(run):
        held = task.internal_data.get(_TIMER_KEY)
        if held is None:
            continue
        attached = ""
        if isinstance(task.task_spec, BoundaryEvent):
            siblings = task.parent.children if task.parent is not None else []
            main = [t for t in siblings if not isinstance(t.task_spec, BoundaryEvent)]
            attached = str(main[0].id) if main else ""
        result.append(
            WaitingTimer(
                id=str(task.id),
                bpmn_id=task.task_spec.bpmn_id,
                attached_task_id=attached,
                value=held["value"],
                armed_at=datetime.fromisoformat(held["armed_at"]),
            )
        )
    return result


def timer_schedule(timer: WaitingTimer) -> TimerSchedule:
    """What a timer's value means; raises ``ProcessError`` for a value that is neither
    an ISO 8601 date nor a duration."""
    value = timer.value
    try:
        if not value.upper().startswith("P"):
            if isinstance(TimeDateEventDefinition.parse_time_or_duration(value), datetime):
                return TimerSchedule(at=TimerEventDefinition.get_datetime(value))
            raise ValueError(value)
        parsed = TimerEventDefinition.parse_iso_duration(value)
        if parsed and set(parsed) <= {"days", "weeks"}:
            days = parsed.get("days", 0) + 7 * parsed.get("weeks", 0)
            if float(days).is_integer():
                return TimerSchedule(working_days=int(days))
        span = TimerEventDefinition.get_timedelta_from_start(dict(parsed), timer.armed_at)
        return TimerSchedule(at=timer.armed_at + span)
    except Exception as exc:  # SpiffWorkflow's parsers raise bare Exception
        message = msg(
            _("Timer %(id)s: “%(value)s” is not an ISO 8601 date or duration."),
            id=timer.bpmn_id,
            value=value,
        )
        raise ProcessError(message) from exc


def fire_timer(run: Run, timer_id: str, *, context: ServiceContext) -> None:
    """Fire one waiting timer now and advance the run."""
    task = next((t for t in _timer_tasks(run) if str(t.id) == timer_id), None)
    if task is None:
        raise ProcessError(_("This timer is no longer waiting."))

    def release() -> None:
        task.internal_data["event_value"] = _RELEASED
        task.task_spec._update(task)

    _step(run, context, release)


def fire_due_timers(run: Run, *, now: datetime, context: ServiceContext) -> list[str]:
    """Fire every timer due by ``now``, counting days as calendar days: the engine's
    own reading of timers, for runs without a host (tests, benchmarks)."""
    fired: list[str] = []
    for timer in waiting_timers(run):
        schedule = timer_schedule(timer)
        due = schedule.at or timer.armed_at + timedelta(days=schedule.working_days or 0)
        # An interrupting timer fired before may have cancelled this one.
        still_waiting = any(t.id == timer.id for t in waiting_timers(run))
        if due <= now and still_waiting:
            fire_timer(run, timer.id, context=context)
            fired.append(timer.bpmn_id)
    return fired


# --- state ------------------------------------------------------------------------


class _SpeclessWorkflowConverter(BpmnWorkflowConverter):
    """Writes the run in our layout (``state.py``) without its spec; reads it back given
    the spec.

    SpiffWorkflow's converter embeds the whole process spec in every state, keeps every
    task ever run (so the state and each step's cost grow with the steps taken), and
    reads each task back through its generic registry walk, which was most of a stored
    step's time. The spec never changes for a definition; finished tasks matter only
    while a live task looks at them; and small flat task records read quickly.
    """

    def to_dict(self, workflow: Any) -> dict[str, Any]:
        dct = self._workflow_to_dict(workflow)
        dct["subprocesses"] = {
            str(task_id): {
                **self._workflow_to_dict(sub),
                "parent_task_id": str(sub.parent_task_id),
                "spec": sub.spec.name,
            }
            for task_id, sub in workflow.subprocesses.items()
        }
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def _workflow_to_dict(self, workflow: Any) -> dict[str, Any]:
        return {
            "data": self.registry.convert(self.registry.clean(workflow.data)),
            "correlations": workflow.correlations,
            "last_task": str(workflow.last_task.id) if workflow.last_task is not None else None,
            "success": workflow.success,
            "completed": workflow.completed,
            "tasks": self._tasks_to_list(workflow),
        }

    @staticmethod
    def _needed(workflow: Any) -> set[UUID]:
        """The tasks a later step can look at: every unfinished task and its parent (a
        task inherits its parent's data when it becomes ready); while a join still
        waits or is yet to come, every task of that join and their parents (it counts
        its arrived inputs and merges their data); the split above a structured join
        and the split's children (boundary events); tasks owning a subprocess; the
        root and the last task run. Loops are refused at upload, so no later iteration
        looks back at an earlier one."""
        top = workflow.top_workflow
        needed = {workflow.task_tree.id}
        if workflow.last_task is not None:
            needed.add(workflow.last_task.id)
        live_joins: set[str] = set()
        for task in workflow.tasks.values():
            if task.id in top.subprocesses:
                needed.add(task.id)
            if task.has_state(TaskState.FINISHED_MASK):
                continue
            needed.add(task.id)
            if task._parent is not None:
                needed.add(task._parent)
            spec = task.task_spec
            if isinstance(spec, Join):
                live_joins.add(spec.name)
                split = task.find_ancestor(spec.split_task) if spec.split_task else None
                if split is not None:
                    needed.add(split.id)
                    needed.update(split._children)
        if live_joins:
            for task in workflow.tasks.values():
                if task.task_spec.name in live_joins:
                    needed.add(task.id)
                    if task._parent is not None:
                        needed.add(task._parent)
        return needed

    def _tasks_to_list(self, workflow: Any) -> list[dict[str, Any]]:
        """Needed tasks depth first, each under its nearest needed ancestor."""
        needed = self._needed(workflow)
        tasks = workflow.tasks
        written: list[dict[str, Any]] = []
        stack: list[tuple[Any, Any]] = [(workflow.task_tree, None)]
        while stack:
            task, parent = stack.pop()
            if task.id in needed:
                written.append(self._task_to_dict(task, parent))
                parent = task
            children = [tasks[c] for c in reversed(task._children) if c in tasks]
            stack.extend((child, parent) for child in children)
        return written

    def _task_to_dict(self, task: Any, parent: Any) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "id": str(task.id),
            "spec": task.task_spec.name,
            "state": task.state,
            "changed": task.last_state_change,
        }
        if parent is not None:
            entry["parent"] = str(parent.id)
        if task.triggered:
            entry["triggered"] = True
        if task.internal_data:
            entry["internal"] = self.registry.convert(task.internal_data)
        data = task.data
        base = parent.data if parent is not None else None
        if not data and not base:
            return entry  # empty, like its parent's
        if not base or not data:
            entry["data"] = self.registry.convert(self.registry.clean(data))
            return entry
        updates = {k: v for k, v in data.items() if k not in base or base[k] != v}
        deletions = [k for k in base if k not in data]
        if updates:
            entry["updates"] = self.registry.convert(self.registry.clean(updates))
        if deletions:
            entry["deletions"] = deletions
        return entry

    def from_dict(self, dct: dict[str, Any], **kwargs: Any) -> Any:
        # Nothing of ``dct`` is kept or changed, so callers need not copy it.
        # The sandboxed engine from the start: SpiffWorkflow's default one must never exist.
        workflow = self.target_class(
            kwargs["spec"],
            kwargs["subprocess_specs"],
            script_engine=kwargs["script_engine"],
            deserializing=True,
        )
        self._workflow_from_dict(workflow, dct)
        subprocesses = dct.get("subprocesses") or {}
        pending = deque([workflow])
        while pending:  # a subprocess after the workflow holding its task
            owner = pending.popleft()
            for task in list(owner.tasks.values()):
                sub_dct = subprocesses.get(str(task.id))
                if sub_dct is None or not isinstance(task.task_spec, SubWorkflowTask):
                    continue
                sub = BpmnSubWorkflow(
                    workflow.subprocess_specs.get(task.task_spec.spec),
                    task.id,
                    workflow,
                    deserializing=True,
                )
                self._workflow_from_dict(sub, sub_dct)
                workflow.subprocesses[task.id] = sub
                sub.completed_event.connect(task.task_spec._on_subworkflow_completed, task)
                pending.append(sub)
        workflow.bpmn_events = self.registry.restore(dct.get("bpmn_events") or [])
        return workflow

    def _workflow_from_dict(self, workflow: Any, dct: dict[str, Any]) -> None:
        restore = self.registry.restore
        specs = workflow.spec.task_specs
        events = workflow.top_workflow.event_manager
        by_id: dict[str, Any] = {}
        for entry in dct["tasks"]:
            spec = specs[entry["spec"]]
            task = Task(workflow, spec, state=entry["state"], id=UUID(entry["id"]))
            task.last_state_change = entry["changed"]
            task.triggered = entry.get("triggered", False)
            task.internal_data = restore(entry["internal"]) if "internal" in entry else {}
            parent = by_id.get(entry.get("parent", ""))
            if parent is not None:
                task._parent = parent.id
                parent._children.append(task.id)
            if "data" in entry or parent is None:
                task.data = restore(entry.get("data") or {})
            else:
                # One level copied, as SpiffWorkflow does when a task inherits data.
                task.data = {
                    k: copy.copy(v) if isinstance(v, dict | list) else v
                    for k, v in parent.data.items()
                }
                task.data.update(restore(entry.get("updates") or {}))
                for key in entry.get("deletions", ()):
                    task.data.pop(key, None)
            if isinstance(spec, CatchingEvent) and task.has_state(TaskState.WAITING):
                events.add_task(task)
            by_id[entry["id"]] = task
        workflow.task_tree = by_id[dct["tasks"][0]["id"]]
        last = dct.get("last_task")
        workflow.last_task = workflow.tasks.get(UUID(last)) if isinstance(last, str) else None
        workflow.success = dct["success"]
        workflow.completed = dct.get("completed", False)
        workflow.correlations = restore(dct.get("correlations") or {})
        workflow.data = restore(dct.get("data") or {})


def _make_serializer(config: dict[Any, Any]) -> Any:
    registry_ = BpmnWorkflowSerializer.configure(config)
    # Scripts may compute dates and decimals (the sandbox offers them).
    registry_.register(Decimal, lambda v: {"value": str(v)}, lambda v: Decimal(v["value"]))
    registry_.register(
        date, lambda v: {"value": v.isoformat()}, lambda v: date.fromisoformat(v["value"])
    )
    return BpmnWorkflowSerializer(registry_)


_serializer = _make_serializer({**SPIFF_CONFIG, BpmnWorkflow: _SpeclessWorkflowConverter})


def dump_state(run: Run) -> dict[str, Any]:
    """The run's state as JSON-ready data, without the spec; store it with STATE_VERSION."""
    state: dict[str, Any] = _serializer.to_dict(run._workflow)
    state[_serializer.VERSION_KEY] = _serializer.VERSION
    state["spec_key"] = run.spec.key
    state["trail"] = sorted(run._trail | _completed_ids(run))
    return state


def _completed_ids(run: Run) -> set[str]:
    return {
        task.task_spec.bpmn_id
        for task in run._workflow.get_tasks(state=TaskState.COMPLETED)
        if task.task_spec.bpmn_id
    }


def load_state(
    spec: ProcessSpec, state: Mapping[str, Any], *, version: int, context: ServiceContext
) -> Run:
    """Rebuild a run from ``dump_state`` output and the spec it was started on.

    ``state`` is only read: loading neither changes it nor keeps parts of it."""
    dct = dict(state)
    while version < STATE_VERSION:
        dct, version = _STATE_MIGRATIONS[version](dct), version + 1
    if version != STATE_VERSION:
        raise ProcessError(_("This process state was written by a newer version."))
    if dct.pop("spec_key", spec.key) != spec.key:
        raise ProcessError(_("This process state belongs to another process version."))
    if dct.pop(_serializer.VERSION_KEY, None) != _serializer.VERSION:
        # SpiffWorkflow's own migrations expect its own layout; ours is different.
        raise ProcessError(_("This process state needs a migration of the engine format."))
    trail = frozenset(dct.pop("trail", ()))
    engine = _ScriptEngine(context)
    workflow = _serializer.from_dict(
        dct, spec=spec._spec, subprocess_specs=spec._subprocess_specs, script_engine=engine
    )
    return Run(spec=spec, _workflow=workflow, _engine=engine, _trail=trail)


def default_state_size(run: Run) -> int:
    """Bytes of SpiffWorkflow's default serialization of the run (spec included): the
    baseline that ``dump_state`` is measured against in tests and benchmarks."""
    return len(_default_serializer.serialize_json(run._workflow).encode("utf-8"))


_default_serializer = _make_serializer(SPIFF_CONFIG)


# --- inspection -------------------------------------------------------------------

COMPLETED = "completed"
CURRENT = "current"


def element_states(run: Run) -> dict[str, str]:
    """Where the run stands, by BPMN element id: ``"completed"`` or ``"current"``.

    Current: user tasks waiting for an officer, and whatever else holds the run up —
    timers waiting to fire, a parallel join waiting for its other branches, an embedded
    subprocess still running. Boundary events that merely stand by on a current task
    (a reminder timer) are not steps of their own until they fire. Elements the run has
    not reached
    (or reached and cancelled) are absent. An element that is current again after
    completing once (a loop back) is current. SpiffWorkflow's own bookkeeping tasks
    (start, end joins, boundary splits) have no BPMN id and are left out.
    """
    states: dict[str, str] = {}
    for task in run._workflow.get_tasks():  # includes the tasks of subprocesses
        bpmn_id = task.task_spec.bpmn_id
        if not bpmn_id:
            continue
        if isinstance(task.task_spec, BoundaryEvent) and task.has_state(TaskState.WAITING):
            continue
        if task.has_state(TaskState.WAITING | TaskState.STARTED) or (
            task.has_state(TaskState.READY) and task.task_spec.manual
        ):
            states[bpmn_id] = CURRENT
        elif task.has_state(TaskState.COMPLETED):
            states.setdefault(bpmn_id, COMPLETED)
    for bpmn_id in run._trail:  # completed before, and no longer in the stored state
        states.setdefault(bpmn_id, COMPLETED)
    return states


def ends_reached(run: Run) -> list[str]:
    """The BPMN ids of the process's end events the run has completed: one where it
    ended, several where parallel branches ended apart, none while it runs. A
    subprocess's end events are left out: they end the subprocess, not the process
    (its elements are in a spec of their own)."""
    ends = {
        spec.bpmn_id
        for spec in run.spec._spec.task_specs.values()
        if isinstance(spec, EndEvent) and spec.bpmn_id
    }
    return [i for i, state in element_states(run).items() if state == COMPLETED and i in ends]
