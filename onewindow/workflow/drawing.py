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
from onewindow.workflow import runs
from onewindow.workflow.bundle import BPMN, parse_xml
from onewindow.workflow.models import ProcessDefinition
from onewindow.workflow.validation import Lane, parse_lane


def lane_labels(lanes: dict[str, Lane]) -> dict[str, str]:
    """Lane id → what the lane stands for in the reader's language ("公安局 · 窗口人员"):
    the lanes' names are the codes the platform routes by ("310000-GA/window_officer"),
    which mean nothing to an applicant."""
    codes = {lane.department_code for lane in lanes.values()}
    departments = {d.code: d for d in Department.objects.filter(code__in=codes)}
    labels = {}
    for lane_id, lane in lanes.items():
        department = departments.get(lane.department_code)
        label = localized(department) if department else lane.department_code
        if lane.role in Role.values:
            label = pgettext("a lane: department and role", "%(department)s · %(role)s") % {
                "department": label,
                "role": Role(lane.role).label,
            }
        labels[lane_id] = label
    return labels


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
