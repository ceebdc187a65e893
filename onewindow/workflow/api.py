"""The processes API: a department admin uploads a BPMN file, and the DMN files it
calls, as Camunda Modeler or bpmn.io saved them, as the next version of a process. The
checks, the permission (an admin of every department its lanes name) and the audit are
``services.upload_definition``'s; a refused file answers 422 naming each element at fault."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from onewindow.core.errors import InvalidInput
from onewindow.workflow import services
from onewindow.workflow.files import read_decision_files, read_text
from onewindow.workflow.models import ProcessDefinition

router = Router(tags=["processes"])

# The service's parameters → this form's fields, for the field errors.
FIELDS = {"bpmn_xml": "bpmn", "dmn_files": "dmn"}


class ProcessOut(Schema):
    key: str
    version: int
    name: str
    name_en: str
    sha256: str
    created_at: datetime


@router.post(
    "/processes",
    response={201: ProcessOut},
    summary="Upload a process (BPMN, with its DMN files) as the next version of its key",
)
def upload_process(
    request: HttpRequest,
    key: Form[str],
    name: Form[str],
    bpmn: File[UploadedFile],
    dmn: list[UploadedFile] = File(default_factory=list),  # noqa: B008 - ninja's marker
) -> Status[ProcessOut]:
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
        )
    except InvalidInput as exc:
        fields = {FIELDS.get(field, field): messages for field, messages in exc.fields.items()}
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
