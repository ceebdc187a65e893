"""The processes API: a department admin uploads a BPMN file, and the DMN files it
calls, as Camunda Modeler or bpmn.io saved them, as the next version of a process. The
checks, the permission (an admin of every department its lanes name) and the audit are
``services.upload_definition``'s; a refused file answers 422 naming each element at fault.
A version can be tried on sample data (``simulation.run_trial``), as in the back office."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from onewindow.core.api_errors import errors
from onewindow.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from onewindow.workflow import engine, library, permissions, queries, services, simulation
from onewindow.workflow.files import UPLOAD_FIELDS, read_decision_files, read_text
from onewindow.workflow.models import ProcessDefinition

router = Router(tags=["processes"])


class ProcessOut(Schema):
    key: str
    version: int
    name: str
    name_en: str
    sha256: str
    created_at: datetime


@router.post(
    "/processes",
    response={201: ProcessOut, **errors(403, 409)},
    summary="Upload a process (BPMN, with its DMN files) as the next version of its key",
    operation_id="processes_upload",
)
def upload_process(
    request: HttpRequest,
    key: Form[str],
    name: Form[str],
    bpmn: File[UploadedFile],
    dmn: list[UploadedFile] = File(default_factory=list),  # noqa: B008 - ninja's marker
    if_changed: Form[bool] = False,
) -> Status[ProcessOut]:
    """Multipart, for an admin of every department its lanes name (403 otherwise); a
    refused file answers 422 naming each element at fault. With ``if_changed``, files
    identical to the newest version's answer 409
    (``unchanged``) instead of making a next version that changes nothing: a deployment
    can upload on every run and bind only what is new."""
    bpmn_xml = read_text(bpmn, "bpmn")
    dmn_files = read_decision_files(dmn, "dmn")
    try:
        definition = services.upload_definition(
            actor=request.user,
            key=key,
            name=name,
            bpmn_xml=bpmn_xml,
            dmn_files=dmn_files,
            request=request,
            refuse_unchanged=if_changed,
        )
    except InvalidInput as exc:
        fields = {
            UPLOAD_FIELDS.get(field, field): messages for field, messages in exc.fields.items()
        }
        raise InvalidInput(exc.message, code=exc.code, fields=fields) from exc
    return Status(201, _out(definition))


def _out(definition: ProcessDefinition) -> ProcessOut:
    return ProcessOut(
        key=definition.key,
        version=definition.version,
        name=definition.name,
        name_en=definition.name_en,
        sha256=definition.sha256,
        created_at=definition.created_at,
    )


# --- trying a version -----------------------------------------------------------------


class TrialIn(Schema):
    data: dict[str, Any] = Field(default_factory=dict, description="Sample case data")
    outcomes: dict[str, str] = Field(
        default_factory=dict,
        description="A decision per user task id; a task not named gets the one that goes on",
    )


class TrialStepOut(Schema):
    task: str
    name: str
    name_en: str
    lane: str
    outcome: str


class TrialEndOut(Schema):
    event: str = Field(description="The end event's id")
    name: str = Field(description="Its name in the request's language, as the diagram names it")


class TrialOut(Schema):
    ending: str = Field(description="completed, waiting (a timer), looping or failed")
    message: str = Field(
        description="Why it failed, naming the element where it stopped as the back office does"
    )
    stopped_at: str = Field("", description="The id of the element where it failed, where known")
    reason: str = Field(
        "", description="Why it failed, plainly, where the failing expression tells"
    )
    detail: str = Field(
        description="The engine's own words on a failure, for the process's author: in "
        "English whatever the request's language (``message`` and ``reason`` are translated)"
    )
    steps: list[TrialStepOut]
    completed: list[str] = Field(description="The elements the run completed")
    ends: list[TrialEndOut] = Field(
        default_factory=list,
        description="The end events it reached: one, or several where parallel branches "
        "ended apart; none unless it completed",
    )


@router.post(
    "/processes/{key}/versions/{version}/trial",
    response={200: TrialOut, **errors(403, 409)},
    summary="Run a process version in memory on sample data (nothing is stored)",
    operation_id="processes_try",
)
def try_process(request: HttpRequest, key: str, version: int, body: TrialIn) -> TrialOut:
    """For department and platform admins (403 for others): the steps it takes and how
    it ends, as the back office draws them; 409 when the version no longer loads."""
    if not permissions.can_manage_definitions(request.user):
        raise Forbidden(_("Only department and platform admins may try processes."))
    try:
        definition = queries.definition_version(key, version)
    except ProcessDefinition.DoesNotExist as exc:
        raise NotFound(_("No such process (or version).")) from exc
    try:
        trial = simulation.run_trial(definition, body.data, body.outcomes)
    except engine.ProcessError as error:  # the version no longer loads
        raise Conflict(error.message, code="process_unavailable") from error
    failed = trial.ending == simulation.Ending.FAILED
    return TrialOut(
        ending=trial.ending,
        message=simulation.failure_text(definition, trial) if failed else "",
        stopped_at=trial.stopped_at,
        reason=trial.reason,
        detail=trial.detail,
        steps=[
            TrialStepOut(
                task=s.bpmn_id, name=s.name, name_en=s.name_en, lane=s.lane, outcome=s.outcome
            )
            for s in trial.steps
        ],
        completed=[i for i, state in trial.states.items() if state == engine.COMPLETED],
        ends=[
            TrialEndOut(event=end, name=library.element_name(definition, end)) for end in trial.ends
        ],
    )
