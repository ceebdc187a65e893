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
proceed); no SpiffWorkflow exception leaves this module.
"""

from __future__ import annotations

import copy
import json
import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import (
    BpmnWorkflowConverter,
    WorkflowConverter,
)
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.parser.task_spec import BusinessRuleTaskParser, ServiceTaskParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.specs.defaults import BusinessRuleTask, ServiceTask
from SpiffWorkflow.util.task import TaskState

from onewindow.workflow import registry, validation
from onewindow.workflow.bundle import (
    BundleError,
    Problem,
    msg,
    prepare_for_engine,
    read_bundle,
)
from onewindow.workflow.registry import ServiceCall, ServiceContext
from onewindow.workflow.sandbox import SandboxEnvironment
from onewindow.workflow.validation import BundleFacts

# Version of what dump_state writes. Bump it when the format changes and add a function
# to _STATE_MIGRATIONS that upgrades the previous version, so stored runs keep loading.
STATE_VERSION = 1
_STATE_MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}

# Task data is copied into every task of a run and stored with it: keep it to the facts
# a decision needs, and put documents and files in the case, referenced by id.
MAX_DATA_BYTES = 32 * 1024

SPEC_CACHE_SIZE = 128


class ProcessError(Exception):
    """A run cannot proceed: a refused task, bad data, or a failing expression."""

    def __init__(self, message: Promise | str, *, detail: str = "") -> None:
        super().__init__(f"{message} {detail}".strip())
        self.message = message
        self.detail = detail


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


class _Parser(SpiffBpmnParser):
    OVERRIDE_PARSER_CLASSES = {
        **SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
        full_tag("serviceTask"): (_ServiceTaskParser, ServiceTask),
        full_tag("businessRuleTask"): (_BusinessRuleTaskParser, BusinessRuleTask),
    }


def build_spec(bpmn_xml: str, dmn_files: Mapping[str, str], *, key: str = "") -> ProcessSpec:
    """Validate and parse a bundle; raise ``BundleError`` naming every problem."""
    bpmn, dmn = read_bundle(bpmn_xml, dmn_files)
    facts = validation.check_bundle(bpmn, dmn)
    prepare_for_engine(bpmn)
    parser = _Parser(validator=VALIDATOR)
    try:
        for name, root in dmn.items():
            parser.add_dmn_xml(root, filename=name)
        parser.add_bpmn_xml(bpmn, filename="process.bpmn")
        spec = parser.get_spec(facts.process_id)
        subprocess_specs = parser.get_subprocess_specs(facts.process_id)
    except ValidationException as exc:
        message = msg(_("The process cannot be loaded: %(detail)s"), detail=str(exc))
        source = exc.file_name if exc.file_name in dmn else ""
        raise BundleError([Problem(message, exc.tag, exc.id, source)]) from exc
    return ProcessSpec(key=key, facts=facts, _spec=spec, _subprocess_specs=subprocess_specs)


_cache: OrderedDict[str, ProcessSpec] = OrderedDict()
_cache_lock = threading.Lock()


def spec_for(key: str, bpmn_xml: str, dmn_files: Mapping[str, str]) -> ProcessSpec:
    """The parsed spec for a stored definition, parsed once per process.

    ``key`` must change whenever the files do (the definition's id and content hash):
    specs are shared by every run and never re-read.
    """
    with _cache_lock:
        spec = _cache.get(key)
        if spec is not None:
            _cache.move_to_end(key)
            return spec
    spec = build_spec(bpmn_xml, dmn_files, key=key)
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
    try:
        if action is not None:
            action()
        run._workflow.do_engine_steps()
        _hold_new_timers(run)
    except SpiffWorkflowException as exc:
        task = getattr(exc, "task_spec", None)
        where = getattr(task, "bpmn_id", None) or getattr(task, "name", "")
        raise ProcessError(
            msg(_("The process stopped at %(task)s."), task=where or "?"), detail=str(exc)
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
    """Writes the run without its spec; reads it back given the spec.

    SpiffWorkflow's converter embeds the whole process spec in every state. The spec
    never changes for a definition, so storing it per case and per step only costs size
    and time (about half of both, measured on this machine).
    """

    def to_dict(self, workflow: Any) -> dict[str, Any]:
        dct: dict[str, Any] = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any], **kwargs: Any) -> Any:
        # A task stores only its changes to its parent's data, and is rebuilt from its
        # parent's: parents must be restored first. SpiffWorkflow relies on the JSON
        # keeping its key order, which PostgreSQL's jsonb does not (it sorts keys).
        dct["tasks"] = _parents_first(dct["tasks"], dct["root"])
        for subprocess in dct["subprocesses"].values():
            subprocess["tasks"] = _parents_first(subprocess["tasks"], subprocess["root"])
        # The sandboxed engine from the start: SpiffWorkflow's default one must never exist.
        workflow = self.target_class(
            kwargs["spec"],
            kwargs["subprocess_specs"],
            script_engine=kwargs["script_engine"],
            deserializing=True,
        )
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _parents_first(tasks: dict[str, Any], root: str) -> dict[str, Any]:
    ordered: dict[str, Any] = {}
    queue = deque([root])
    while queue:
        task_id = queue.popleft()
        if task_id in tasks and task_id not in ordered:
            ordered[task_id] = tasks[task_id]
            queue.extend(tasks[task_id]["children"])
    for task_id, task in tasks.items():  # unreachable ones, if any, keep their place
        ordered.setdefault(task_id, task)
    return ordered


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
    return state


def load_state(
    spec: ProcessSpec, state: Mapping[str, Any], *, version: int, context: ServiceContext
) -> Run:
    """Rebuild a run from ``dump_state`` output and the spec it was started on."""
    # A private copy (loading consumes the dict); state is plain JSON, and a JSON round
    # trip copies it several times faster than copy.deepcopy.
    dct = json.loads(json.dumps(state))
    while version < STATE_VERSION:
        dct, version = _STATE_MIGRATIONS[version](dct), version + 1
    if version != STATE_VERSION:
        raise ProcessError(_("This process state was written by a newer version."))
    if dct.pop("spec_key", spec.key) != spec.key:
        raise ProcessError(_("This process state belongs to another process version."))
    if dct.pop(_serializer.VERSION_KEY, None) != _serializer.VERSION:
        # SpiffWorkflow's own migrations expect the spec inside the state; ours has none.
        raise ProcessError(_("This process state needs a migration of the engine format."))
    engine = _ScriptEngine(context)
    workflow = _serializer.from_dict(
        dct, spec=spec._spec, subprocess_specs=spec._subprocess_specs, script_engine=engine
    )
    return Run(spec=spec, _workflow=workflow, _engine=engine)


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
    (a reminder timer) are not steps of their own until they fire. Elements the run has not reached
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
    return states
