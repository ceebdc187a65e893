"""The processes API: a department admin uploads a BPMN file, and the DMN files it
calls, as Camunda Modeler or bpmn.io saved them, as the next version of a process. The
checks, the permission (an admin of every department its lanes name) and the audit are
``services.upload_definition``'s; a refused file answers 422 naming each element at fault."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from onewindow.core.errors import InvalidInput
from onewindow.workflow import services
from onewindow.workflow.models import ProcessDefinition

router = Router(tags=["processes"])

# The service's parameters → this form's fields, for the field errors.
FIELDS = {"bpmn_xml": "bpmn", "dmn_files": "dmn"}


class ProcessOut(Schema):
    key: str
    version: int
    name: str
    sha256: str
    created_at: datetime


MAX_FILE_BYTES = services.MAX_FILE_CHARS * 4  # UTF-8 spends at most 4 bytes a character


def _text(upload: UploadedFile, field: str) -> str:
    """A file's text, which BPMN and DMN files hold in UTF-8; no more is read than could
    be within the service's size limit."""
    data = upload.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        message = _("The files are too large.")
        raise InvalidInput(message, fields={field: [message]})
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        message = _("The file is not UTF-8 text.")
        raise InvalidInput(message, fields={field: [message]}) from None


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
    bpmn_xml = _text(bpmn, "bpmn")
    dmn_files = {
        upload.name or f"decision-{n}.dmn": _text(upload, "dmn") for n, upload in enumerate(dmn)
    }
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
        sha256=definition.sha256,
        created_at=definition.created_at,
    )
