"""The processes' back office, mounted at /backoffice/processes/: department admins see
every process, read what a version routes where, download its files, and upload a new
process or the next version of one, with a refused file's problems listed element by
element.

Every page needs a definition manager's role (``permissions.can_manage_definitions``,
else 404); the upload is ``services.upload_definition``, which checks the lanes'
departments against the uploader's roles and audits.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from onewindow.core.backoffice import only_for, version_or_404
from onewindow.core.errors import ServiceError
from onewindow.core.uses import version_uses
from onewindow.workflow import (
    comparison,
    drawing,
    library,
    permissions,
    queries,
    services,
    simulation,
)
from onewindow.workflow.bundle import Problem
from onewindow.workflow.engine import ProcessError
from onewindow.workflow.files import UPLOAD_FIELDS
from onewindow.workflow.forms import ProcessUploadForm, TrialForm
from onewindow.workflow.models import ProcessDefinition
from onewindow.workflow.trial_page import TrialPage

BPMN_FILE = "process.bpmn"  # the download name of a version's BPMN file


definition_managers = only_for(permissions.can_manage_definitions)


@definition_managers
def processes_view(request: HttpRequest) -> HttpResponse:
    return render(request, "workflow/backoffice/processes.html", {"processes": library.processes()})


def _version(key: str, number: str | None) -> ProcessDefinition:
    return version_or_404(key, number, queries.latest_definition, queries.definition_version)


@definition_managers
def process_view(request: HttpRequest, key: str) -> HttpResponse:
    shown = _version(key, request.GET.get("version"))
    try:
        outline = library.outline(shown)
    except ProcessError:
        outline = None  # the page says so; the versions and files are still there
    versions = list(library.versions_of(key))
    return render(
        request,
        "workflow/backoffice/process.html",
        {
            "shown": shown,
            "outline": outline,
            "previous": (previous := comparison.previous_of(versions, shown)),
            "changes": comparison.from_previous(previous, shown, outline) if previous else None,
            "newest": versions[0],
            "uses": version_uses(library.process_uses, versions, shown, reader=request.user),
            "refused_today": services.upload_problems(shown),
            "bpmn_file": BPMN_FILE,
        },
    )


@definition_managers
def diagram_view(request: HttpRequest, key: str, version: int) -> JsonResponse:
    """``{"diagrams": [...]}`` with the version, as the case pages' diagram.json gives runs."""
    definition = _version(key, str(version))
    try:
        drawn = drawing.version_drawing(definition)
    except ProcessError as error:
        return JsonResponse(
            {"code": "diagram_unavailable", "message": str(error.message), "fields": {}},
            status=409,
        )
    return JsonResponse({"diagrams": [drawn]}, json_dumps_params={"ensure_ascii": False})


# --- trying a version ----------------------------------------------------------------


def _trial(request: HttpRequest, key: str, version: int) -> TrialPage:
    """The trial a POST asks for, with its form; a GET shows the form alone. A POST,
    though a trial stores nothing: its case data may be longer than a request line."""
    definition = _version(key, str(version))
    try:
        outline = library.outline(definition)
    except ProcessError as exc:
        raise Http404 from exc  # the version's page says it no longer loads
    asked = request.method == "POST"
    form = TrialForm(request.POST if asked else None, steps=outline.steps, reads=outline.reads)
    trial = None
    if asked and form.is_valid():
        trial = simulation.run_trial(definition, form.cleaned_data["case_data"], form.outcomes())
    lanes = drawing.lane_labels({lane.name: lane for lane in library.lanes_of(definition)})
    return TrialPage(definition, form, trial, lanes, outline.reads)


@definition_managers
def trial_view(request: HttpRequest, key: str, version: int) -> HttpResponse:
    page = _trial(request, key, version)
    drawn = None
    if page.trial is not None:
        # Drawn from the same run as the table, into the page: nothing to run again.
        drawn = drawing.trial_drawing(page.definition, page.trial.states, page.summary())
    return render(
        request,
        "workflow/backoffice/trial.html",
        {
            "shown": page.definition,
            "form": page.form,
            "trial": page.trial,
            "steps": page.steps(),
            "ending": page.ending(),
            "missing": page.missing(),
            "drawing": {"diagrams": [drawn]} if drawn else None,
        },
        status=422 if page.form.is_bound and page.form.errors else 200,
    )


@definition_managers
def download_view(request: HttpRequest, key: str, version: int, name: str) -> HttpResponse:
    definition = _version(key, str(version))
    text = definition.bpmn_xml if name == BPMN_FILE else definition.dmn_files.get(name)
    if text is None:
        raise Http404
    response = HttpResponse(text, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{key}-v{version}-{name}"
    )
    return response


def _initial(key: str) -> dict[str, str]:
    """A new version's form starts with the process's key and current name."""
    try:
        return {"key": key, "name": queries.latest_definition(key).name}
    except ProcessDefinition.DoesNotExist:
        return {}


@definition_managers
def upload_view(request: HttpRequest) -> HttpResponse:
    posted = request.method == "POST"  # bound even when empty: it then says what is missing
    form = ProcessUploadForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        initial=_initial(request.GET.get("key", "")),
    )
    problems: list[Problem] = []
    status = 200
    if posted:
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                definition = services.upload_definition(
                    actor=request.user,
                    key=data["key"],
                    name=data["name"],
                    bpmn_xml=data["bpmn"],
                    dmn_files=data["dmn"],
                    request=request,
                    refuse_unchanged=True,
                )
            except services.InvalidBundle as refused:
                problems = refused.problems
            except ServiceError as error:
                status = error.status
                for field, field_messages in error.fields.items():
                    name = UPLOAD_FIELDS.get(field, field)
                    for message in field_messages:
                        form.add_error(name if name in form.fields else None, str(message))
                if not error.fields:
                    form.add_error(None, str(error.message))
            else:
                messages.success(
                    request,
                    _(
                        "Version %(version)d of %(key)s is uploaded. Items and life events "
                        "run it once they are bound to it."
                    )
                    % {"version": definition.version, "key": definition.key},
                )
                return redirect("processes:process", key=definition.key)
    return render(
        request,
        "workflow/backoffice/upload.html",
        {"form": form, "problems": problems, "bpmn_file": BPMN_FILE},
        status=status,
    )
