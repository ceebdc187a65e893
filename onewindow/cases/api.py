"""The cases API: applicants file and follow cases (officers' tasks: ``task_api``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from ninja import File, Form, Header, Query, Router, Status
from ninja.files import UploadedFile

from onewindow.cases import (
    answer_masking,
    entries,
    filing,
    materials,
    notifications,
    permissions,
    presenters,
    queries,
    services,
)
from onewindow.cases.choices import CaseStatus
from onewindow.cases.materials import case_materials
from onewindow.cases.models import Case, CaseEvent, Extension, SupplementRequest
from onewindow.cases.presenters import clock_view
from onewindow.cases.schemas import (
    ApplicationFormOut,
    AttachmentOut,
    CaseIn,
    CaseOut,
    CaseSummaryOut,
    ClockOut,
    ExtensionOut,
    SupplementItemOut,
    SupplementOut,
    TimelineOut,
)
from onewindow.cases.supplement_materials import material_name, other_slot_key, requires_file
from onewindow.core import paging
from onewindow.core.api_errors import errors
from onewindow.core.errors import InvalidInput, NotFound
from onewindow.forms import spec
from onewindow.forms.attachments import store_attachment
from onewindow.forms.filetypes import slot_max_mb
from onewindow.workflow.models import Clock

router = Router(tags=["cases"])


def _user(request: HttpRequest) -> object:
    return request.user


def _summary(case: Case) -> dict[str, object]:
    return {
        "number": case.number,
        "service": case.service_code,
        "service_name": case.service_name,
        "service_name_en": case.service_name_en,
        "department": case.department.code,
        "company": case.company.uscc if case.company else "",
        "status": case.status,
        "status_label": str(CaseStatus(case.status).label),
        "created_at": case.created_at,
        "updated_at": case.updated_at,
    }


SUBMITTED = _("Application submitted")


def _in(language: str, text: Any) -> str:
    with translation.override(language):
        return str(text)


def _timeline(event: CaseEvent, shown: entries.Entries) -> TimelineOut:
    role = shown.role(event)
    return TimelineOut(
        # The submission's entry is named as a process's steps are, in Chinese and in
        # English beside it (it gave the caller's language, and no English).
        step=event.step or _in("zh-hans", SUBMITTED),
        step_en=event.step_en or ("" if event.step else _in("en", SUBMITTED)),
        department=event.department.code if event.department else "",
        role=role,
        role_label=entries.role_name(role),
        outcome=event.outcome,
        outcome_label=notifications.outcome_label(event.outcome),
        at=event.at,
        comment=event.comment,
        note_for_applicant=shown.note(event),
        unanswered=shown.unanswered(event),
    )


def case_out(request: HttpRequest, case: Case) -> CaseOut:
    """The case as its viewer sees it; an officer's view is audited."""
    services.record_case_viewed(viewer=request.user, case=case, request=request)  # type: ignore[arg-type]
    return detail_out(case, request.user)


def clock_out(clock: Clock | None) -> ClockOut | None:
    view = clock_view(clock, timezone.now())
    if clock is None or view is None:
        return None
    # In UTC, as read from the database, whichever zone the clock was computed in.
    return ClockOut(
        state=clock.state,
        colour=view.colour,
        label=view.label,
        started_at=clock.started_at.astimezone(UTC),
        due_at=view.due_at.astimezone(UTC) if view.due_at else None,
        limit_days=view.total_days,
        extended_days=view.extended_days,
        used_days=view.used_days,
        remaining_days=view.remaining_days,
    )


def supplement_out(supplement: SupplementRequest) -> SupplementOut:
    department = supplement.task.department
    return SupplementOut(
        id=supplement.pk,
        case=supplement.case.number,
        task=supplement.task.name,
        task_en=supplement.task.name_en,
        department=department.code if department else "",
        status=supplement.status,
        requested_at=supplement.requested_at,
        items=[
            SupplementItemOut(
                slot=item["slot"],
                material=material_name(item, supplement),
                reason=item["reason"],
                upload=item["slot"] or other_slot_key(supplement, index),
                required=requires_file(item),
            )
            for index, item in enumerate(supplement.items)
        ],
        note=supplement.note,
        answered_at=supplement.answered_at,
    )


def extension_out(extension: Extension, *, officers_named: bool = True) -> ExtensionOut:
    """Without ``officers_named`` (the applicant's side), the officers' user names are
    left out, as the timeline names a step's role and not its officer."""
    return ExtensionOut(
        id=extension.pk,
        case=extension.case.number,
        task=extension.task.name,
        task_en=extension.task.name_en,
        days=extension.days,
        reason=extension.reason,
        status=extension.status,
        requested_by=extension.requested_by.username if officers_named else "",
        requested_at=extension.requested_at,
        decided_by=extension.decided_by.username if officers_named and extension.decided_by else "",
        decided_at=extension.decided_at,
        decision_comment=extension.decision_comment,
    )


def _case_out(
    case: Case,
    *,
    attachments: Iterable[int],
    events: Iterable[CaseEvent],
    shown: entries.Entries,
    children: list[CaseOut],
    supplements: list[SupplementOut],
    extensions: list[ExtensionOut],
) -> CaseOut:
    return CaseOut(
        **_summary(case),  # type: ignore[arg-type]
        waiting=presenters.item_waits_for_earlier_steps(case),
        data=case.data,
        attachments=sorted(attachments),
        timeline=[_timeline(event, shown) for event in events],
        children=children,
        clock=clock_out(case.clock),
        supplements=supplements,
        extensions=extensions,
    )


def detail_out(
    case: Case,
    reader: Any,
    shown: entries.Entries | None = None,
    on_applicants_side: bool | None = None,
) -> CaseOut:
    """The case for its applicant's side; for an officer, a life event's answers and
    files of the items of their departments only (``permissions.items_in_view``):
    its items' data, the parent's merged data left empty. ``shown`` and
    ``on_applicants_side`` are the parent's, for its items."""
    children = list(case.children.all())
    requests = list(queries.supplements_of(case))  # the case's and its items'
    if on_applicants_side is None:
        on_applicants_side = permissions.is_party(reader, case)
    if shown is None:  # read once for a life event and its items
        shown = entries.entries_of([case, *children], requests)
    out = _case_out(
        case,
        attachments=(a.pk for a in case.attachments.all()),
        events=case.events.all(),
        shown=shown,
        children=[detail_out(child, reader, shown, on_applicants_side) for child in children],
        supplements=[supplement_out(s) for s in requests],
        extensions=[
            extension_out(e, officers_named=not on_applicants_side)
            for e in queries.extensions_of(case, approved_only=True)
        ],
    )
    if on_applicants_side and answer_masking.reads_as_fellow_agent(reader, case):
        out.data = answer_masking.mask_identity_numbers(out.data)
    if children:
        seen, hidden = (
            (children, []) if on_applicants_side else permissions.items_in_view(reader, children)
        )
        files = case_materials(case, seen, hidden=hidden)
        for child, child_out in zip(children, out.children, strict=True):
            # The event holds its items' files: each item lists those its form asks for.
            child_out.attachments = child_out.attachments or _ids(files.by_item.get(child.pk))
            if child in hidden:
                child_out.data = {}
                child_out.attachments = []  # not even how many files it holds
                _withhold_supplements(child_out)
        withheld = {child.number for child in hidden}
        out.supplements = [s for s in out.supplements if s.case not in withheld]
        if not on_applicants_side:
            out.data = {}
            out.attachments = [a.pk for a in case.attachments.all() if materials.holds(files, a)]
    elif case.parent_id is not None and not out.attachments:
        # An item read on its own: its files, which its event holds.
        out.attachments = _ids(materials.item_materials(case).own)
    return out


def _withhold_supplements(item: CaseOut) -> None:
    """Another department's item of a life event, as an officer reads it: that material
    was asked for and sent stays on its timeline, what and why do not (ADR 0024)."""
    item.supplements = []
    for entry in item.timeline:
        if entry.outcome in permissions.WITHHELD_FROM_OTHER_DEPARTMENTS:
            entry.comment, entry.note_for_applicant, entry.unanswered = "", "", []


def _ids(listed: list[materials.Material] | None) -> list[int]:
    return sorted({f.attachment.pk for m in listed or [] for f in m.files})


def _filed(filed: filing.Filed) -> CaseOut:
    """A case just filed, from what the submission wrote: reading it back cost about a
    third of a submission's time (test_api checks it equals what GET answers). A new
    case has no supplement or extension yet."""
    return _case_out(
        filed.case,
        attachments=filed.attachments,
        events=[filed.event],
        # Its one entry is the applicant's own: nothing to read to say so.
        shown=entries.Entries(frozenset({filed.case.applicant_id})),
        children=[_filed(child) for child in filed.children],
        supplements=[],
        extensions=[],
    )


IDEMPOTENCY_KEY = (
    "Optional, chosen by the client for one application. Sent again with the same "
    "application (service, company and answers: a retry after a lost answer), it files "
    "nothing new: the answer is 200 with the case the first request filed. Sent with a "
    "different application, it is refused (422 ``idempotency_key_reused``). Keys are the "
    "applicant's own and do not expire."
)


@router.post(
    "/cases",
    response={200: CaseOut, 201: CaseOut, **errors(403, 409)},
    summary="Submit an application",
    operation_id="cases_submit",
    openapi_extra={
        "responses": {
            code: {
                "headers": {
                    "Location": {
                        "description": "The case's address in this API",
                        "schema": {"type": "string"},
                    }
                }
            }
            for code in (200, 201)
        }
    },
)
def submit_case(
    request: HttpRequest,
    response: HttpResponse,
    payload: CaseIn,
    idempotency_key: str = Header(
        default="",
        alias="Idempotency-Key",
        description=IDEMPOTENCY_KEY,
        max_length=filing.KEY_LENGTH,
    ),
) -> Status[CaseOut]:
    """For the applicant, or, on a service for legal persons, for a company they act for
    (``company``: 403 for one they do not; 422 ``company_not_applicable`` on a service
    for individuals). 201 with the new case, numbered and started; its form's answers are
    checked first (422 naming each field at fault)."""
    case, filed = filing.submit_case(
        applicant=request.user,  # type: ignore[arg-type]
        service=payload.service,
        data=payload.data,
        idempotency_key=idempotency_key,
        company=payload.company,
        language=get_language(),
        request=request,
    )
    # Where the case is read from now on, new or replayed.
    response["Location"] = reverse("api:case_detail", args=[case.number])
    if filed is not None and not filed.children:
        return Status(201, _filed(filed))
    if filed is not None:
        # A life event is read back: which of its files each item lists follows from its
        # materials (``case_materials``), which read them; life events are few.
        return Status(201, detail_out(queries.case_for(request.user, case.number), request.user))
    # A replay answers 200 with the case the first attempt made.
    return Status(200, detail_out(queries.case_for(request.user, case.number), request.user))


@router.get(
    "/cases",
    response=list[CaseSummaryOut],
    summary="My cases",
    openapi_extra=paging.TOTAL_IN_SCHEMA,
    operation_id="cases_list",
)
def my_cases(
    request: HttpRequest, response: HttpResponse, page: Query[paging.PageIn]
) -> list[dict[str, object]]:
    """Newest first, a page at a time (``limit``, ``offset``; the total in
    ``X-Total-Count``)."""
    cases = paging.page_of(queries.my_cases(request.user), page, response)
    return [_summary(case) for case in cases]


def _application_form(service: str) -> Any:
    try:
        return queries.application_form(service)
    except LookupError:
        message = _("This service cannot be applied for online.")
        raise InvalidInput(message, code="unknown_service", fields={"service": [message]}) from None


@router.get(
    "/cases/forms/{service}",
    response={200: ApplicationFormOut},
    summary="The form an application answers",
    operation_id="cases_application_form",
)
def application_form(request: HttpRequest, service: str) -> dict[str, Any]:
    """What `data` of `POST /cases` must hold for this service (an item's code or a life
    event's): the JSON Schema of the answers, the pages' layout and the attachment slots,
    labelled in the request's language. A life event's is its items' forms merged, each
    shared question once. 404 for a service that takes no applications online."""
    try:
        form = queries.application_form(service)
    except LookupError:
        raise NotFound(_("This service cannot be applied for online.")) from None
    return {
        "service": service,
        "title": form.display_title(),
        "data_schema": form.schema,
        "layout": form.layout or {},
        "attachments": [
            {
                "key": slot["key"],
                "label": spec.localized(slot, "label"),
                "required": bool(slot.get("required")),
                "types": list(slot.get("types") or []),
                "max_mb": slot_max_mb(slot),
            }
            for slot in form.attachments
        ],
    }


@router.post(
    "/cases/attachments",
    response={201: AttachmentOut},
    summary="Upload an attachment",
    operation_id="cases_upload_attachment",
)
def upload_attachment(
    request: HttpRequest,
    service: Form[str],
    slot: Form[str],
    file: File[UploadedFile],
) -> Status[AttachmentOut]:
    """Multipart, before the application: a file for one of the service's form's slots,
    checked by its content against the slot's types and size; send its id in the
    answers' ``attachments``."""
    form = _application_form(service)
    attachment = store_attachment(
        owner=request.user, definition=form, slot=slot, upload=file, request=request
    )
    return Status(
        201,
        AttachmentOut(
            id=attachment.pk, slot=slot, name=attachment.original_name, size=attachment.size
        ),
    )


@router.get(
    "/cases/{number}",
    response=CaseOut,
    summary="One case with its timeline",
    operation_id="cases_get",
)
def case_detail(request: HttpRequest, number: str) -> CaseOut:
    """For the applicant's side and the officers of the departments it reaches (an
    officer's view is audited); to anyone else it answers 404, as a case that does not
    exist."""
    try:
        case = queries.case_for(request.user, number)
    except Case.DoesNotExist:
        raise NotFound(_("No such case.")) from None
    return case_out(request, case)
