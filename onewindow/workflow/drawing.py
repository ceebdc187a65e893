"""A process drawn for people: its lanes named by what they stand for and its elements
in the reader's language, for the diagram script (``static/workflow/diagram.js``).
A case's run adds where it stands (``cases.diagram``); a version in the back office is
drawn as its file has it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from onewindow.core.language import is_english
from onewindow.core.templatetags.onewindow import localized
from onewindow.identity.models import Department
from onewindow.identity.roles import Role
from onewindow.workflow import engine, runs
from onewindow.workflow.bundle import BPMN, parse_xml
from onewindow.workflow.models import ProcessDefinition
from onewindow.workflow.validation import Lane, parse_lane


def _short_name(department: Department) -> str:
    """The department's short name in the reader's language, else its full name: a
    lane's label has the lane's height to fit in, and a full English name with a role
    ("Shanghai Municipal Public Security Bureau · Window officer") overflows it."""
    if is_english():
        return department.short_name_en or localized(department)
    return department.short_name or department.name


def lane_labels(lanes: dict[str, Lane]) -> dict[str, str]:
    """Lane id → what the lane stands for in the reader's language, by the department's
    short name ("公安局 · 窗口人员"): the lanes' names are the codes the platform routes by
    ("310000-GA/window_officer"), which mean nothing to an applicant."""
    codes = {lane.department_code for lane in lanes.values()}
    departments = {d.code: d for d in Department.objects.filter(code__in=codes)}
    labels = {}
    for lane_id, lane in lanes.items():
        department = departments.get(lane.department_code)
        label = _short_name(department) if department else lane.department_code
        if lane.role in Role.values:
            label = pgettext("a lane: department and role", "%(department)s · %(role)s") % {
                "department": label,
                "role": Role(lane.role).label,
            }
        labels[lane_id] = label
    return labels


def taken_flows(root: Any, states: dict[str, str]) -> list[str]:
    """The sequence flows a run has taken: both ends reached, and not both current
    (between a review still open and the join waiting for it, the flow is not taken yet)."""
    taken = []
    for flow in root.iter(f"{{{BPMN}}}sequenceFlow"):
        ends = (states.get(flow.get("sourceRef", "")), states.get(flow.get("targetRef", "")))
        if None not in ends and ends != (engine.CURRENT, engine.CURRENT):
            taken.append(flow.get("id", ""))
    return taken


def version_drawing(definition: ProcessDefinition) -> dict[str, Any]:
    """A process version for the diagram script, with nothing marked (``plain``), its
    steps in words for screen readers. Raises ``engine.ProcessError`` when the version
    no longer loads."""
    facts = runs.spec_of(definition).facts
    root = parse_xml(definition.bpmn_xml)
    lanes = {
        element.get("id", ""): lane
        for element in root.iter(f"{{{BPMN}}}lane")
        if (lane := parse_lane(element.get("name") or ""))
    }
    english_names = facts.names_en if is_english() else {}
    steps = [english_names.get(task.bpmn_id, task.name) for task in facts.user_tasks.values()]
    return {
        "drawn": str(definition),
        "title": localized(definition),
        "xml": definition.bpmn_xml,
        "names": {**english_names, **lane_labels(lanes)},
        "plain": True,
        "completed": [],
        "current": [],
        "taken_flows": [],
        "summary": _("Steps: %(steps)s") % {"steps": pgettext("list separator", ", ").join(steps)},
    }


def trial_drawing(
    definition: ProcessDefinition, states: dict[str, str], summary: str
) -> dict[str, Any]:
    """A version with a trial run's path on it (``simulation.run_trial``): the steps it
    completed, where it stopped, and the flows it took."""
    drawn = version_drawing(definition)
    drawn.update(
        plain=False,
        completed=[bpmn_id for bpmn_id, state in states.items() if state == engine.COMPLETED],
        current=[
            {"id": bpmn_id, "department": ""}
            for bpmn_id, state in states.items()
            if state == engine.CURRENT
        ],
        taken_flows=taken_flows(parse_xml(definition.bpmn_xml), states),
        summary=summary,
    )
    return drawn
