"""The process diagram of a case, as JSON for the case and task pages' script
(``workflow/static/workflow/diagram.js``): each run's BPMN file and where the run stands, with the
current steps' departments in the reader's language. The pages work without it; the
timeline tells the same story in text."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from onewindow.cases import presenters, queries
from onewindow.cases.models import Case
from onewindow.core.language import is_english
from onewindow.core.templatetags.onewindow import localized
from onewindow.workflow import queries as workflow_queries
from onewindow.workflow.drawing import lane_labels
from onewindow.workflow.engine import ProcessError


def drawn_cases(case: Case) -> list[Case]:
    """The cases whose runs are drawn: the case's own run (which a life event's children
    share when their items have one process), else each child's separate run."""
    if case.instance_id is not None:
        return [case]
    return [child for child in case.children.all() if child.instance_id is not None]


def element_names(diagram: workflow_queries.Diagram) -> dict[str, str]:
    """Element id → the name drawn in the reader's language, where it differs from the
    file's: the lanes by what they stand for, and on English pages every element the
    file names in English (its ``name_en`` properties)."""
    return {**(diagram.names_en if is_english() else {}), **lane_labels(diagram.lanes)}


def summary(diagram: workflow_queries.Diagram, departments: dict[str, list[str]]) -> str:
    """The diagram in words, for screen readers: the completed, current and remaining
    tasks by name, each current one with its department."""
    english_names = diagram.names_en if is_english() else {}
    names = {i: english_names.get(i, name) for i, name in diagram.activities.items()}
    separator = pgettext("list separator", ", ")
    completed = [names[i] for i in diagram.completed if i in names]
    current = []
    for bpmn_id in dict.fromkeys(step.bpmn_id for step in diagram.current):
        if bpmn_id in names:
            holders = separator.join(d for d in departments[bpmn_id] if d)
            current.append(
                _("%(step)s (%(department)s)") % {"step": names[bpmn_id], "department": holders}
                if holders
                else names[bpmn_id]
            )
    parts = []
    if completed:
        parts.append(_("Completed: %(steps)s") % {"steps": separator.join(completed)})
    if current:  # the run goes on; once it has ended, the steps not reached never will be
        parts.append(_("Current: %(steps)s") % {"steps": separator.join(current)})
        reached = {*diagram.completed, *(step.bpmn_id for step in diagram.current)}
        remaining = [name for i, name in names.items() if i not in reached]
        if remaining:
            parts.append(_("Remaining: %(steps)s") % {"steps": separator.join(remaining)})
    return pgettext("sentence separator", "; ").join(parts)


def diagram_json(case: Case) -> dict[str, Any]:
    assert case.instance is not None
    diagram = workflow_queries.diagram_of(case.instance)
    departments: dict[str, list[str]] = {}
    current = []
    for step in diagram.current:
        department = localized(step, "department_name")
        departments.setdefault(step.bpmn_id, []).append(department)
        current.append({"id": step.bpmn_id, "department": department})
    return {
        "drawn": case.number,
        "title": str(presenters.service_name(case)),
        "xml": diagram.xml,
        "names": element_names(diagram),
        "completed": diagram.completed,
        "current": current,
        "taken_flows": diagram.taken_flows,
        "summary": summary(diagram, departments),
    }


@login_required
@require_GET
def case_diagram(request: HttpRequest, number: str) -> JsonResponse:
    """``{"diagrams": [...]}``, one per run, for whoever may see the case page."""
    try:
        case = queries.case_for(request.user, number)
    except Case.DoesNotExist as exc:
        raise Http404 from exc
    try:
        diagrams = [diagram_json(drawn) for drawn in drawn_cases(case)]
    except ProcessError as error:  # its definition no longer loads: the timeline remains
        message = str(error.message)
        return JsonResponse(
            {"code": "diagram_unavailable", "message": message, "fields": {}}, status=409
        )
    # The BPMN files hold Chinese names: sent as UTF-8 rather than as escapes.
    return JsonResponse({"diagrams": diagrams}, json_dumps_params={"ensure_ascii": False})
