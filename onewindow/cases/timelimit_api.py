"""The time-limit API: supplement requests and answers, extensions and their approval."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from onewindow.cases import extensions, queries, supplements
from onewindow.cases.api import case_out, extension_out, supplement_out
from onewindow.cases.schemas import (
    AttachmentOut,
    CaseOut,
    ExtensionDecisionIn,
    ExtensionIn,
    ExtensionOut,
    ResupplyIn,
    SupplementOut,
    SupplementRequestIn,
)
from onewindow.core import paging
from onewindow.core.api_errors import errors

router = Router(tags=["time limits"])


@router.post(
    "/tasks/{task_id}/supplement",
    response={201: SupplementOut, **errors(403, 409)},
    summary="Ask the applicant for missing or faulty material (补正)",
    operation_id="tasks_request_supplement",
)
def request_supplement(
    request: HttpRequest, task_id: int, payload: SupplementRequestIn
) -> Status[SupplementOut]:
    """Everything at once (一次性告知), each material with its reason; the task waits and
    the clocks stop until the applicant answers. For an officer who may decide the task
    (403 otherwise); 409 when a request is open already or the task is closed."""
    supplement = supplements.request_supplement(
        actor=request.user,  # type: ignore[arg-type]
        task_id=task_id,
        items=[item.dict(exclude_none=True) for item in payload.items],
        note=payload.note,
        request=request,
    )
    return Status(201, supplement_out(supplement))


@router.post(
    "/cases/{number}/supplement",
    response={200: CaseOut, **errors(409)},
    summary="Supply the requested material; the case's clock resumes",
    operation_id="cases_resupply",
)
def resupply(request: HttpRequest, number: str, payload: ResupplyIn) -> CaseOut:
    """The applicant's answer: a file for each material asked for, corrected answers if
    any; 409 ``supplement_closed`` when none is awaited."""
    supplements.resupply(
        applicant=request.user,  # type: ignore[arg-type]
        number=number,
        attachments=payload.attachments,
        data=payload.data,
        explanations=payload.explanations,
        comment=payload.comment,
        language=get_language(),
        request=request,
    )
    # The case asked about: a life event's own, though the request was on an item.
    return case_out(request, queries.case_for(request.user, number))


@router.post(
    "/cases/{number}/supplement/attachments",
    response={201: AttachmentOut, **errors(409)},
    summary="Upload a file the open supplement request asks for",
    operation_id="cases_upload_supplement_file",
)
def upload_supplement_file(
    request: HttpRequest, number: str, slot: Form[str], file: File[UploadedFile]
) -> Status[AttachmentOut]:
    """``slot``: a key of the request's materials (a form's slot, or for a material
    named in words the key the case's ``supplements`` give it); send the id with the
    answer."""
    attachment = supplements.store_answer_file(
        applicant=request.user,  # type: ignore[arg-type]
        number=number,
        slot=slot,
        upload=file,
        request=request,
    )
    return Status(
        201,
        AttachmentOut(
            id=attachment.pk, slot=slot, name=attachment.original_name, size=attachment.size
        ),
    )


@router.post(
    "/tasks/{task_id}/extension",
    response={201: ExtensionOut, **errors(403, 409)},
    summary="Ask a department lead or supervisor to extend the time limit (延期)",
    operation_id="tasks_request_extension",
)
def request_extension(
    request: HttpRequest, task_id: int, payload: ExtensionIn
) -> Status[ExtensionOut]:
    """For an officer working on the open task (403 otherwise); 409 when the task or
    case is closed or a request is pending already."""
    extension = extensions.request_extension(
        actor=request.user,  # type: ignore[arg-type]
        task_id=task_id,
        days=payload.days,
        reason=payload.reason,
        request=request,
    )
    return Status(201, extension_out(extension))


@router.get(
    "/extensions",
    response=list[ExtensionOut],
    summary="Extensions awaiting my decision",
    openapi_extra=paging.TOTAL_IN_SCHEMA,
    operation_id="extensions_list",
)
def pending_extensions(
    request: HttpRequest, response: HttpResponse, page: Query[paging.PageIn]
) -> list[ExtensionOut]:
    """Pending requests a department lead or supervisor may decide (empty for others),
    oldest first, a page at a time (``limit``, ``offset``; the total in
    ``X-Total-Count``)."""
    pending = queries.extensions_to_decide(request.user)
    return [extension_out(e) for e in paging.page_of_list(pending, page, response)]


@router.post(
    "/extensions/{extension_id}/decide",
    response={200: ExtensionOut, **errors(403, 409)},
    summary="Approve or refuse",
    operation_id="extensions_decide",
)
def decide_extension(
    request: HttpRequest, extension_id: int, payload: ExtensionDecisionIn
) -> ExtensionOut:
    """By a department lead or supervisor other than the requester (403 otherwise).
    Approving moves the step's and the case's deadlines; refusing needs a ``comment``.
    409 when it was decided already, or, to approve, when the step has closed."""
    extension = extensions.decide_extension(
        actor=request.user,  # type: ignore[arg-type]
        extension_id=extension_id,
        approve=payload.approve,
        comment=payload.comment,
        request=request,
    )
    extension.refresh_from_db()
    return extension_out(extension)
