"""Static checks of an uploaded process bundle: one BPMN file and the DMN files it calls.

Run before SpiffWorkflow sees the files, on the XML as Camunda Modeler or bpmn.io save
it. Every problem is collected, each naming the element and its id, so the uploader can
fix them all in one go. What is checked:

- only the supported elements: start and end events, user, service, script and business
  rule tasks, exclusive and parallel gateways, sequence flows (with conditions), lanes,
  pools, embedded subprocesses, timer intermediate and boundary events;
- every user task lies in a lane, and every lane is named ``<department code>`` or
  ``<department code>/<officer role>`` (whether the department exists is the caller's
  check, against the database); a user task's ``time_limit`` property, if any, is a
  whole number of working days;
- timers are dates or durations: repeating timers (``timeCycle``) are refused, because
  the platform, not the engine, decides when a timer is due (working days, pauses);
- every service task names a registered platform function, every business rule task a
  decision that one of the DMN files defines (``decisions.py`` checks those files);
- every expression, script and timer compiles in the sandbox;
- an exclusive gateway deciding on a user task's outcome alone routes every outcome the
  task offers (``gateway_routes.py``);
- sequence flows never loop back (``loops``), and no element takes an id SpiffWorkflow
  gives its own steps (``RESERVED_IDS``);
- no element sets what Camunda Modeler offers and the platform does not do (assignees,
  due dates, forms, listeners, mappings: ``modeler_settings``).

This module knows no SpiffWorkflow; ``engine.py`` calls it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from lxml import etree

from onewindow.identity.roles import CASEWORK_ROLES
from onewindow.workflow import decisions, gateway_routes, modeler_settings, registry
from onewindow.workflow.bundle import (
    BPMN,
    BundleError,
    Problem,
    expression_problem,
    local_name,
    msg,
    timer_expression,
)
from onewindow.workflow.choices import Outcome

CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"

FLOW_NODES = frozenset(
    [
        "startEvent",
        "endEvent",
        "userTask",
        "serviceTask",
        "scriptTask",
        "businessRuleTask",
        "exclusiveGateway",
        "parallelGateway",
        "intermediateCatchEvent",
        "boundaryEvent",
        "subProcess",
    ]
)
# Elements inside a process that carry no behaviour.
DECORATIONS = frozenset(
    ["documentation", "extensionElements", "textAnnotation", "association", "group"]
)
NODE_CHILDREN = frozenset(["documentation", "extensionElements", "incoming", "outgoing"])
EXTRA_CHILDREN = {
    "scriptTask": frozenset({"script"}),
    "intermediateCatchEvent": frozenset({"timerEventDefinition"}),
    "boundaryEvent": frozenset({"timerEventDefinition"}),
}

# The names SpiffWorkflow gives its own steps of every process: an element with one of
# these ids loaded, and its run could not start ("No output task connected", QA).
RESERVED_IDS = frozenset({"Start", "End", "Root"})

LANE_PATTERN = re.compile(r"^(?P<code>[0-9A-Za-z][0-9A-Za-z-]*)(?:/(?P<role>[a-z_]+))?$")


@dataclass(frozen=True)
class Lane:
    name: str
    department_code: str
    role: str  # an officer Role value, or "" for any officer of the department
    # The lane element's id, for problems found after parsing (a department that does
    # not exist); of lanes that share a name, the last one's, as ``BundleFacts.lanes``.
    bpmn_id: str = field(default="", compare=False)


MAX_TIME_LIMIT_DAYS = 365
MAX_NAME_CHARS = 200  # a task's name is stored beside each task (``WorkTask.name``)


@dataclass(frozen=True)
class UserTaskFacts:
    bpmn_id: str
    name: str
    lane: str
    outcomes: tuple[str, ...]
    time_limit_days: int | None = None  # working days the task's clock allows
    name_en: str = ""  # its ``name_en`` property: what English pages call it


@dataclass(frozen=True)
class TimerFacts:
    bpmn_id: str
    name: str
    attached_to: str  # the activity a boundary timer sits on, or "" for a catch event
    interrupting: bool


@dataclass
class BundleFacts:
    """What the rest of the app needs to know about a valid bundle."""

    process_id: str = ""
    process_name: str = ""
    lanes: dict[str, Lane] = field(default_factory=dict)  # by lane name
    user_tasks: dict[str, UserTaskFacts] = field(default_factory=dict)  # by bpmn id
    timers: dict[str, TimerFacts] = field(default_factory=dict)  # by bpmn id
    service_functions: set[str] = field(default_factory=set)
    decisions: set[str] = field(default_factory=set)
    # Element id → its ``name_en`` property, for every element that has one.
    names_en: dict[str, str] = field(default_factory=dict)
    # Element id → its ``name`` (the Chinese one), for every element that has one.
    names: dict[str, str] = field(default_factory=dict)
    # Its start events and sequence flows (source id, target id): the routes through it.
    starts: list[str] = field(default_factory=list)
    flows: list[tuple[str, str]] = field(default_factory=list)


def parse_lane(name: str, bpmn_id: str = "") -> Lane | None:
    match = LANE_PATTERN.match(name.strip())
    if match is None:
        return None
    return Lane(name=name, department_code=match["code"], role=match["role"] or "", bpmn_id=bpmn_id)


def _bpmn_children(element: etree._Element) -> Iterator[etree._Element]:
    for child in element:
        if isinstance(child.tag, str) and etree.QName(child).namespace == BPMN:
            yield child


def _extension(node: etree._Element, name: str) -> list[etree._Element]:
    return node.findall(f"{{{BPMN}}}extensionElements/{{{SPIFF}}}{name}")


def _property(node: etree._Element, name: str) -> str | None:
    for namespace in (CAMUNDA, SPIFF):
        path = f"{{{BPMN}}}extensionElements/{{{namespace}}}properties/{{{namespace}}}property"
        for prop in node.findall(path):
            if prop.get("name") == name:
                return prop.get("value", "")
    return None


def service_function_name(node: etree._Element) -> str | None:
    operators = _extension(node, "serviceTaskOperator")
    if operators:
        return operators[0].get("id")
    if node.get(f"{{{CAMUNDA}}}type") == "external":
        return node.get(f"{{{CAMUNDA}}}topic")
    return None


def decision_ref(node: etree._Element) -> str | None:
    called = _extension(node, "calledDecisionId")
    if called and (called[0].text or "").strip():
        return (called[0].text or "").strip()
    return node.get(f"{{{CAMUNDA}}}decisionRef")


class _Checker:
    """Walks one bundle, collecting problems and facts."""

    def __init__(self, decisions: set[str]) -> None:
        self.problems: list[Problem] = []
        self.facts = BundleFacts(decisions=decisions)
        self.lane_of: dict[str, str] = {}

    def problem(self, message: Promise | str, element: str = "", element_id: str = "") -> None:
        self.problems.append(Problem(message, element, element_id))

    def unsupported(self, element: etree._Element, owner_id: str = "") -> None:
        element_id = element.get("id") or owner_id
        self.problem(
            msg(
                _("Unsupported BPMN element %(element)s (id %(id)s)."),
                element=local_name(element),
                id=element_id or "-",
            ),
            local_name(element),
            element_id,
        )

    def expression(self, source: str | None, mode: str, element: etree._Element) -> None:
        problem = expression_problem(source, mode, element)
        if problem is not None:
            self.problems.append(problem)

    def lanes(self, lane_set: etree._Element) -> None:
        for lane in lane_set.iter(f"{{{BPMN}}}lane"):
            name = (lane.get("name") or "").strip()
            parsed = parse_lane(name, lane.get("id", "")) if name else None
            for ref in lane.findall(f"{{{BPMN}}}flowNodeRef"):
                # iter() visits parents before child lanes, so the innermost lane wins.
                # A refused lane's tasks are in it all the same: its problem is its name.
                self.lane_of[(ref.text or "").strip()] = name or lane.get("id", "")
            if parsed is None:
                self.problem(
                    msg(
                        _(
                            "Lane %(id)s must be named after a department code, optionally "
                            "with an officer role, e.g. 310000-GA/window_officer; it is named "
                            "“%(name)s”."
                        ),
                        id=lane.get("id", ""),
                        name=name,
                    ),
                    "lane",
                    lane.get("id", ""),
                )
                continue
            # Only their tasks reach an inbox: a lane of another role's (a supervisor's,
            # an admin's) would leave its cases waiting for somebody nobody shows them to.
            if parsed.role and parsed.role not in CASEWORK_ROLES:
                self.problem(
                    msg(
                        _(
                            "Lane %(name)s: %(role)s does not work on cases; name "
                            "window_officer or reviewing_officer, or no role (then officers "
                            "of either work its tasks)."
                        ),
                        **vars(parsed),
                    ),
                    "lane",
                    lane.get("id", ""),
                )
            self.facts.lanes[name] = parsed

    def container(self, container: etree._Element, inherited_lane: str) -> None:
        for lane_set in container.findall(f"{{{BPMN}}}laneSet"):
            self.lanes(lane_set)
        nodes: set[str] = set()
        flows: list[etree._Element] = []
        for child in _bpmn_children(container):
            kind = local_name(child)
            if kind != "sequenceFlow" and child.get("id"):
                nodes.add(child.get("id", ""))  # an unsupported one is told of on its own
            if kind in FLOW_NODES:
                self.node(child, self.lane_of.get(child.get("id", ""), inherited_lane))
            elif kind == "sequenceFlow":
                flows.append(child)
                self.facts.flows.append((child.get("sourceRef", ""), child.get("targetRef", "")))
                for grandchild in _bpmn_children(child):
                    if local_name(grandchild) == "conditionExpression":
                        # Named by its sequence flow, as the canvas shows it, not by
                        # the id Camunda Modeler gives the condition itself.
                        self.expression(grandchild.text, "eval", child)
                    elif local_name(grandchild) not in DECORATIONS:
                        self.unsupported(grandchild, child.get("id", ""))
            elif kind not in DECORATIONS | NODE_CHILDREN | {"laneSet"}:
                self.unsupported(child, container.get("id", ""))
        self.flow_ends(flows, nodes)
        self.loops(flows)
        outcomes_of = {task.bpmn_id: task.outcomes for task in self.facts.user_tasks.values()}
        self.problems += gateway_routes.problems(_bpmn_children(container), flows, outcomes_of)

    def flow_ends(self, flows: list[etree._Element], nodes: set[str]) -> None:
        """Each sequence flow joins two elements of its own process (or subprocess):
        one naming another id reached the engine, which refused it in words of its own
        ("we found two items, perhaps a form has the same ID?")."""
        for flow in flows:
            for end in ("sourceRef", "targetRef"):
                if (ref := flow.get(end, "")) not in nodes:
                    self.problem(
                        msg(
                            _(
                                "Sequence flow %(id)s connects %(ref)s, which is no element "
                                "of its process or subprocess."
                            ),
                            id=flow.get("id", ""),
                            ref=ref or "-",
                        ),
                        "sequenceFlow",
                        flow.get("id", ""),
                    )

    def ends(self, process: etree._Element) -> None:
        """A start event and an end event, as bpmnlint (Camunda Modeler's checks) asks
        of every process: bpmn.io's new diagram, a start event alone, loaded and "ran to
        its end" (QA)."""
        kinds = {local_name(child) for child in _bpmn_children(process)}
        for kind, message in (
            ("startEvent", _("The process has no start event: draw where it begins.")),
            ("endEvent", _("The process has no end event: draw where it ends.")),
        ):
            if kind not in kinds:
                self.problem(message, "process", process.get("id", ""))

    def loops(self, flows: list[etree._Element]) -> None:
        """Sequence flows never lead back to where they came from. The engine's stored
        state keeps only what later steps need on the understanding that no step comes
        twice, and a loop of automatic steps ran within one request until SpiffWorkflow
        stopped it and called the run complete (security QA). A case sent back for
        correction asks the applicant for a supplement instead."""
        following: dict[str, list[str]] = {}
        for flow in flows:
            following.setdefault(flow.get("sourceRef", ""), []).append(flow.get("targetRef", ""))
        if (loop := _first_loop(following)) is not None:
            self.problem(
                msg(
                    _(
                        "The sequence flows loop: %(path)s. Loops are not supported; to "
                        "have an application corrected, request a supplement from the "
                        "applicant."
                    ),
                    path=" → ".join(loop),
                ),
                "sequenceFlow",
            )

    def node(self, node: etree._Element, lane: str) -> None:
        kind, node_id = local_name(node), node.get("id", "")
        if node_id in RESERVED_IDS or node_id.endswith(".EndJoin"):
            self.problem(
                msg(
                    _(
                        "%(element)s %(id)s: the id %(id)s is the workflow engine's own; "
                        "give the element another id in the modeler (e.g. %(element)s_1)."
                    ),
                    element=kind,
                    id=node_id,
                ),
                kind,
                node_id,
            )
        if kind == "startEvent":
            self.facts.starts.append(node_id)
        if kind == "subProcess":
            if node.get("triggeredByEvent") == "true":
                self.unsupported(node)
            self.container(node, lane)
            return
        allowed = NODE_CHILDREN | EXTRA_CHILDREN.get(kind, frozenset())
        for child in _bpmn_children(node):
            if local_name(child) not in allowed:
                self.unsupported(child, node_id)
        for script in ("preScript", "postScript"):
            for element in _extension(node, script):
                self.expression(element.text, "exec", element)
        getattr(self, f"check_{kind}", lambda *args: None)(node, node_id, lane)

    def check_intermediateCatchEvent(self, node: etree._Element, node_id: str, lane: str) -> None:
        timers = node.findall(f"{{{BPMN}}}timerEventDefinition")
        if not timers:
            self.problem(
                msg(
                    _("Only timer events are supported: %(element)s %(id)s has no timer."),
                    element=local_name(node),
                    id=node_id,
                ),
                local_name(node),
                node_id,
            )
        for timer in timers:
            for value in timer:
                if local_name(value) == "timeCycle":
                    self.problem(
                        msg(
                            _(
                                "Timer %(id)s repeats (timeCycle); use a date or a duration, "
                                "and one timer per reminder."
                            ),
                            id=node_id,
                        ),
                        local_name(node),
                        node_id,
                    )
                elif local_name(value) in ("timeDate", "timeDuration"):
                    self.expression(timer_expression(value.text or ""), "eval", value)
        if timers:
            self.facts.timers[node_id] = TimerFacts(
                bpmn_id=node_id,
                name=node.get("name") or node_id,
                attached_to=node.get("attachedToRef", ""),
                interrupting=node.get("cancelActivity", "true") != "false",
            )

    check_boundaryEvent = check_intermediateCatchEvent

    def check_scriptTask(self, node: etree._Element, node_id: str, lane: str) -> None:
        script_format = (node.get("scriptFormat") or "python").lower()
        if script_format != "python":
            self.problem(
                msg(
                    _("Script task %(id)s: scripts are Python, not %(format)s."),
                    id=node_id,
                    format=script_format,
                ),
                "scriptTask",
                node_id,
            )
        script = node.find(f"{{{BPMN}}}script")
        if script is None or not (script.text or "").strip():
            self.problem(msg(_("Script task %(id)s has no script."), id=node_id), "scriptTask")
        else:
            self.expression(script.text, "exec", script)

    def check_serviceTask(self, node: etree._Element, node_id: str, lane: str) -> None:
        name = service_function_name(node)
        if not name:
            self.problem(
                msg(
                    _(
                        "Service task %(id)s must name a platform function (a "
                        "SpiffWorkflow serviceTaskOperator, or a Camunda 7 external task's "
                        "topic; Camunda 8's job types are not read)."
                    ),
                    id=node_id,
                ),
                "serviceTask",
                node_id,
            )
        elif not registry.is_registered(name):
            self.problem(
                msg(
                    _("Service task %(id)s calls %(name)s, which is not a platform function."),
                    id=node_id,
                    name=name,
                ),
                "serviceTask",
                node_id,
            )
        else:
            self.facts.service_functions.add(name)
        for operator in _extension(node, "serviceTaskOperator"):
            for parameter in operator.iter(f"{{{SPIFF}}}parameter"):
                self.expression(parameter.get("value"), "eval", parameter)

    def check_businessRuleTask(self, node: etree._Element, node_id: str, lane: str) -> None:
        ref = decision_ref(node)
        if not ref:
            self.problem(
                msg(
                    _(
                        "Business rule task %(id)s names no decision: set its decision "
                        "reference (Camunda 7's decisionRef or SpiffWorkflow's "
                        "calledDecisionId; Camunda 8's zeebe:calledDecision is not read)."
                    ),
                    id=node_id,
                ),
                "businessRuleTask",
                node_id,
            )
        elif ref not in self.facts.decisions:
            self.problem(
                msg(
                    _(
                        "Business rule task %(id)s calls decision “%(decision)s”, which no "
                        "DMN file defines."
                    ),
                    id=node_id,
                    decision=ref or "",
                ),
                "businessRuleTask",
                node_id,
            )

    def check_userTask(self, node: etree._Element, node_id: str, lane: str) -> None:
        if not lane:
            self.problem(
                msg(
                    _(
                        "User task %(id)s is not in a lane; its lane names the department that "
                        "works on it."
                    ),
                    id=node_id,
                ),
                "userTask",
                node_id,
            )
        declared = _property(node, "outcomes")
        outcomes = tuple(o.strip() for o in declared.split(",") if o.strip()) if declared else ()
        unknown = [o for o in outcomes if o not in Outcome.values]
        if unknown:
            self.problem(
                msg(
                    _("User task %(id)s lists unknown outcomes: %(outcomes)s."),
                    id=node_id,
                    outcomes=", ".join(unknown),
                ),
                "userTask",
                node_id,
            )
        self.facts.user_tasks[node_id] = UserTaskFacts(
            bpmn_id=node_id,
            name=node.get("name") or node_id,
            lane=lane,
            outcomes=outcomes or tuple(Outcome.values),
            time_limit_days=self.time_limit(node, node_id),
            name_en=(_property(node, "name_en") or "").strip(),
        )

    def time_limit(self, node: etree._Element, node_id: str) -> int | None:
        declared = _property(node, "time_limit")
        if declared is None or not declared.strip():
            return None
        if re.fullmatch(r"[0-9]{1,3}", declared.strip()) and int(declared) <= MAX_TIME_LIMIT_DAYS:
            return int(declared)
        self.problem(
            msg(
                _(
                    "User task %(id)s: time_limit is a whole number of working days from 0 "
                    "to %(max)d, not “%(value)s”."
                ),
                id=node_id,
                max=MAX_TIME_LIMIT_DAYS,
                value=declared,
            ),
            "userTask",
            node_id,
        )
        return None

    def english_names(self, root: etree._Element) -> None:
        """Each element's ``name_en`` property (Camunda Modeler: *Extension properties*),
        the name English pages give it, and its ``name`` attribute, the Chinese one."""
        for node in root.iter(f"{{{BPMN}}}*"):
            if (node_name := (node.get("name") or "").strip()) and node.get("id"):
                self.facts.names[node.get("id", "")] = node_name
            declared = _property(node, "name_en")
            if declared is None:
                continue
            name, node_id = declared.strip(), node.get("id", "")
            if node_id and name and len(name) <= MAX_NAME_CHARS:
                self.facts.names_en[node_id] = name
                continue
            self.problem(
                msg(
                    _("Element %(id)s: name_en is its English name, from 1 to %(max)d characters."),
                    id=node_id or local_name(node),
                    max=MAX_NAME_CHARS,
                ),
                local_name(node),
                node_id,
            )


def _first_loop(following: Mapping[str, list[str]]) -> list[str] | None:
    """The elements of a loop in the graph (the first found, its first element again
    at its end), or None. Depth first, without recursion: a process of thousands of
    elements is checked in as many steps."""
    done: set[str] = set()
    for root in following:
        if root in done:
            continue
        path: list[str] = [root]
        on_path = {root}
        pending = [iter(following.get(root, ()))]
        while pending:
            target = next(pending[-1], None)
            if target is None:
                pending.pop()
                done.add(path[-1])
                on_path.discard(path.pop())
            elif target in on_path:
                return [*path[path.index(target) :], target]
            elif target not in done:
                path.append(target)
                on_path.add(target)
                pending.append(iter(following.get(target, ())))
    return None


def check_bundle(
    bpmn: etree._Element, dmn_roots: Mapping[str, etree._Element], *, stored: bool = False
) -> BundleFacts:
    """Check the parsed files; raise ``BundleError`` listing every problem, with the facts
    read all the same (the lanes, for the caller's checks) once the process was found.

    ``stored``: the files of a definition stored before, loaded for its runs. What only
    an upload refuses (``modeler_settings``, ``decisions.unique_overlaps``) is not held
    against them: a version stored before that refusal ran as its cases started, and
    its cases keep it. ``manage.py check_processes`` lists such versions."""
    checker = _Checker(set())
    for filename, root in dmn_roots.items():
        ids, problems = decisions.check(filename, root)
        checker.facts.decisions |= ids
        checker.problems += problems
    # Without its one process, the BPMN file has nothing more to check (its elements are
    # the process's); the DMN files' problems, found already, are listed with it.
    if local_name(bpmn) != "definitions" or etree.QName(bpmn).namespace != BPMN:
        checker.problem(_("The file is not a BPMN 2.0 file."), "definitions")
        raise BundleError(checker.problems)
    processes = bpmn.findall(f"{{{BPMN}}}process")
    if len(processes) != 1:
        checker.problem(
            msg(
                _("A file must hold exactly one process (pool); this one holds %(count)d."),
                count=len(processes),
            ),
            "process",
        )
        raise BundleError(checker.problems)
    for collaboration in bpmn.findall(f"{{{BPMN}}}collaboration"):
        for child in _bpmn_children(collaboration):
            if local_name(child) not in DECORATIONS | {"participant"}:
                checker.unsupported(child)
    process = processes[0]
    checker.facts.process_id = process.get("id", "")
    checker.facts.process_name = process.get("name") or checker.facts.process_id
    checker.container(process, "")
    checker.ends(process)
    checker.english_names(bpmn)
    if not stored:
        checker.problems += modeler_settings.problems(process)
        for filename, root in dmn_roots.items():
            checker.problems += decisions.unique_overlaps(filename, root)
    if checker.problems:
        raise BundleError(checker.problems, facts=checker.facts)
    return checker.facts
