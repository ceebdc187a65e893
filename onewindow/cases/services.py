"""Writes of the cases app, each in one transaction with its audit record.

Submitting files a case (or a life event's parent case and one child per item), numbers
it, starts its process and tells the applicant. Deciding completes the workflow task
and updates the case, its timeline and the applicant's notifications in the same
transaction; emails leave only after commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onewindow.audit.models import Outcome as AuditOutcome
from onewindow.audit.services import atomic_audit_last, record_event
from onewindow.cases import extensions, notifications, permissions, timeliness
from onewindow.cases.choices import FINAL_STATUSES, OUTCOMES_NEEDING_REASON, SUBMITTED, CaseStatus
from onewindow.cases.models import Case, CaseCounter, CaseEvent
from onewindow.catalog import queries as catalog_queries
from onewindow.catalog.models import LifeEvent, ServiceItemVersion
from onewindow.core.errors import Forbidden, InvalidInput, NotFound
from onewindow.forms import queries as forms_queries
from onewindow.forms.merge import MergedForm, merge_definitions, split_merged_data
from onewindow.forms.models import Attachment, FormDefinition
from onewindow.forms.validation import validate_data
from onewindow.identity.models import Department, LegalPerson, User
from onewindow.workflow import queries as workflow_queries
from onewindow.workflow import services as workflow_services
from onewindow.workflow.choices import InstanceStatus
from onewindow.workflow.models import ProcessDefinition, WorkTask

MAX_FACT_CHARS = 200


# --- numbering --------------------------------------------------------------------


def next_number(department: Department, day: date) -> str:
    """``<department code>-<yyyymmdd>-<sequence>``; the counter row is locked until the
    caller's transaction ends, so two submissions never get the same number."""
    CaseCounter.objects.get_or_create(department=department, day=day)
    counter = CaseCounter.objects.select_for_update().get(department=department, day=day)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{department.code}-{day:%Y%m%d}-{counter.last:04d}"


# --- submission -------------------------------------------------------------------


def _invalid_service() -> InvalidInput:
    message = _("This service cannot be applied for online.")
    return InvalidInput(message, code="unknown_service", fields={"service": [message]})


def process_facts(data: Mapping[str, Any], service: str) -> dict[str, Any]:
    """The small, plain answers a process's conditions may test; documents stay here."""
    facts: dict[str, Any] = {
        name: value
        for name, value in data.items()
        if isinstance(value, bool | int | float)
        or (isinstance(value, str) and len(value) <= MAX_FACT_CHARS)
    }
    facts["service"] = service
    return facts


def _attachments(applicant: Any, form: FormDefinition | MergedForm, given: Any) -> list[Attachment]:
    """The applicant's own uploads, each for a slot of this form; every required slot
    must be filled (the API is held to the same rule as the pages)."""
    given = given or {}
    if not isinstance(given, dict):
        message = _("Give attachments as an object of slot and attachment id.")
        raise InvalidInput(message, fields={"attachments": [message]})
    found: list[Attachment] = []
    errors: dict[str, list[Any]] = {}
    for slot, attachment_id in given.items():
        if isinstance(form, MergedForm):
            origin = form.slot_origin(slot) if form.slot(slot) else None
        else:
            origin = (form, slot) if form.slot(slot) else None
        attachment = (
            forms_queries.attachments_of(applicant).filter(pk=attachment_id).first()
            if isinstance(attachment_id, int) and origin
            else None
        )
        if (
            origin is None
            or attachment is None
            or attachment.definition_id != origin[0].pk
            or attachment.slot != origin[1]
        ):
            errors[f"attachments.{slot}"] = [_("There is no such attachment for this slot.")]
        else:
            found.append(attachment)
    for slot in form.attachments:
        if slot.get("required") and slot["key"] not in given:
            errors[f"attachments.{slot['key']}"] = [_("Attach this document.")]
    if errors:
        raise InvalidInput(_("Some answers need correcting."), fields=errors)
    return found


@dataclass(frozen=True)
class Filed:
    """A case a submission has just written, with what its answer shows besides the
    case's own fields: its one timeline entry, its materials and a life event's items.
    The API answers from these instead of reading them back; a new case has nothing
    else (no decision, supplement or extension yet)."""

    case: Case
    event: CaseEvent
    attachments: tuple[int, ...] = ()
    children: tuple[Filed, ...] = ()


def submit_case(
    *,
    applicant: User,
    service: str,
    data: Mapping[str, Any],
    idempotency_key: str = "",
    company: LegalPerson | None = None,
    language: str | None = None,
    request: HttpRequest | None = None,
) -> tuple[Case, Filed | None]:
    """File an application; returns the case and, when it is new, what the submission
    wrote. A retry with the same idempotency key returns the first attempt's case and
    None."""
    if not permissions.can_apply_for(applicant, company):
        raise Forbidden(_("You may not apply for this company."))
    key = idempotency_key.strip()[:100]
    if key:
        existing = Case.objects.filter(applicant=applicant, idempotency_key=key).first()
        if existing is not None:
            return existing, None
    try:
        version = catalog_queries.application_version(service)
    except ServiceItemVersion.DoesNotExist:
        version = None
    try:
        if version is not None:
            filed = _submit_item(applicant, version, data, key, company, language, request)
        else:
            filed = _submit_life_event(applicant, service, data, key, company, language, request)
    except IntegrityError:
        # A concurrent retry with the same key committed first.
        existing = Case.objects.filter(applicant=applicant, idempotency_key=key).first()
        if key and existing is not None:
            return existing, None
        raise
    return filed.case, filed


def _new_case(
    *,
    applicant: User,
    company: LegalPerson | None,
    department: Department,
    service_code: str,
    service_name: str,
    form: FormDefinition | None,
    data: Mapping[str, Any],
    key: str = "",
    parent: Case | None = None,
    item_version: Any = None,
) -> Filed:
    now = timezone.now()
    case = Case.objects.create(
        number=f"pending-{uuid.uuid4().hex}",  # numbered by _number, last
        parent=parent,
        applicant=applicant,
        company=company,
        service_code=service_code,
        service_name=service_name,
        department=department,
        item_version=item_version,
        form=form,
        data=dict(data),
        idempotency_key=key,
        created_at=now,
        updated_at=now,
    )
    event = CaseEvent.objects.create(
        case=case, step="", department=department, outcome=SUBMITTED, actor=applicant, at=now
    )
    return Filed(case, event)


def _submit_item(
    applicant: User,
    version: Any,
    data: Mapping[str, Any],
    key: str,
    company: LegalPerson | None,
    language: str | None,
    request: HttpRequest | None,
) -> Filed:
    form, process = version.form, version.process
    if form is None or process is None:
        raise _invalid_service()
    answers = dict(data)
    given = answers.pop("attachments", None)
    cleaned = validate_data(form, answers, language)
    attachments = _attachments(applicant, form, given)
    with atomic_audit_last():
        filed = _new_case(
            applicant=applicant,
            company=company,
            department=version.item.department,
            service_code=version.item.code,
            service_name=version.name,
            form=form,
            data=cleaned,
            key=key,
            item_version=version,
        )
        case = filed.case
        case.attachments.add(*attachments)  # a new case has none to compare with
        _start(case, process, cleaned, applicant, request)
        if timeliness.accepted_without_a_step(case):
            timeliness.start([case], case.created_at)
        _number(case)
        _audit_submitted(case, applicant, request)
        notifications.tell_applicant(
            case,
            "case_submitted",
            dedupe_key=f"case:{case.pk}:submitted",
            service=case.service_name,
        )
    return replace(filed, attachments=tuple(a.pk for a in attachments))


def _submit_life_event(
    applicant: User,
    code: str,
    data: Mapping[str, Any],
    key: str,
    company: LegalPerson | None,
    language: str | None,
    request: HttpRequest | None,
) -> Filed:
    try:
        event = catalog_queries.life_event(code)
    except LifeEvent.DoesNotExist:
        raise _invalid_service() from None
    # (version, form, process) of each item that takes online applications.
    parts: list[tuple[Any, FormDefinition, ProcessDefinition]] = []
    for step in sorted(event.steps.all(), key=lambda s: s.order):
        version = step.item.published
        if version is not None and version.form is not None and version.process is not None:
            parts.append((version, version.form, version.process))
    if not parts:
        raise _invalid_service()
    forms = [form for _version, form, _process in parts]
    merged = merge_definitions(forms, title=event.name, title_en=event.name_en)
    answers = dict(data)
    given = answers.pop("attachments", None)
    cleaned = validate_data(merged, answers, language)
    attachments = _attachments(applicant, merged, given)
    split = split_merged_data(merged, cleaned)
    processes = {process.pk for _version, _form, process in parts}
    with atomic_audit_last():
        filed = _new_case(
            applicant=applicant,
            company=company,
            department=parts[0][0].item.department,
            service_code=event.code,
            service_name=event.name,
            form=None,
            data=cleaned,
            key=key,
        )
        parent = filed.case
        parent.attachments.add(*attachments)
        filed_children = [
            _new_case(
                applicant=applicant,
                company=company,
                department=version.item.department,
                service_code=version.item.code,
                service_name=version.name,
                form=form,
                data=split[form.key],
                parent=parent,
                item_version=version,
            )
            for version, form, _process in parts
        ]
        children = [child.case for child in filed_children]
        if len(processes) == 1:
            # One process for the whole event: one run on the parent, which the children
            # share; each child follows its department's task.
            _start(parent, parts[0][2], cleaned, applicant, request)
            Case.objects.filter(parent=parent).update(instance=parent.instance)
        else:
            for child, (_version, form, process) in zip(children, parts, strict=True):
                _start(child, process, split[form.key], applicant, request)
        instant = [c for c in [parent, *children] if timeliness.accepted_without_a_step(c)]
        if instant:
            timeliness.start([*children, parent], parent.created_at)
        _number(parent, *children)
        _audit_submitted(parent, applicant, request, children=[c.number for c in children])
        notifications.tell_applicant(
            parent,
            "case_submitted",
            dedupe_key=f"case:{parent.pk}:submitted",
            service=parent.service_name,
        )
    return replace(
        filed,
        attachments=tuple(a.pk for a in attachments),
        children=tuple(filed_children),
    )


def _start(
    case: Case,
    process: ProcessDefinition,
    data: Mapping[str, Any],
    applicant: User,
    request: HttpRequest | None,
) -> None:
    case.instance = workflow_services.start_instance(
        definition=process,
        data=process_facts(data, case.service_code),
        actor=applicant,
        request=request,
    )
    case.save(update_fields=["instance"])


def _number(*cases: Case) -> None:
    """Number the new cases, as late in the submission's transaction as possible: the
    department's counter row stays locked until commit, so taking it last keeps
    concurrent submissions to one department from queueing behind each other's whole
    transaction (ADR 0011: still no number lost to a rollback)."""
    for case in cases:
        case.number = next_number(case.department, timezone.localdate(case.created_at))
        case.save(update_fields=["number"])


def _audit_submitted(
    case: Case, applicant: User, request: HttpRequest | None, **detail: Any
) -> None:
    record_event(
        actor=applicant,
        action="cases.case_submitted",
        target=case,
        detail={"number": case.number, "service": case.service_code, **detail},
        request=request,
    )


# --- decisions --------------------------------------------------------------------


def _final_status(outcomes: list[str]) -> str:
    if "not_accepted" in outcomes:
        return CaseStatus.NOT_ACCEPTED
    if "reject" in outcomes:
        return CaseStatus.REJECTED
    if outcomes and outcomes[-1] == "approve":
        return CaseStatus.APPROVED
    return CaseStatus.COMPLETED


_CHILD_STATUS = {
    "accept": CaseStatus.IN_PROGRESS,
    "not_accepted": CaseStatus.NOT_ACCEPTED,
    "approve": CaseStatus.APPROVED,
    "reject": CaseStatus.REJECTED,
    "complete": CaseStatus.COMPLETED,
}


def decide_task(
    *,
    actor: User,
    task_id: int,
    outcome: str,
    comment: str = "",
    note_for_applicant: str = "",
    request: HttpRequest | None = None,
) -> Case:
    """An officer's decision (受理, 不予受理, 批准, 不予批准, 办结) on a task: the process
    advances, the case's status and timeline follow, the applicant is told."""
    if outcome in OUTCOMES_NEEDING_REASON and not comment.strip():
        message = _("Give the reason for this decision.")
        raise InvalidInput(message, code="reason_required", fields={"comment": [message]})
    try:
        return _decide(actor, task_id, outcome, comment, note_for_applicant, request)
    except (Forbidden, NotFound) as exc:
        # The workflow's own record of the refusal rolled back with this transaction;
        # keep one.
        record_event(
            actor=actor,
            action="cases.case_decided",
            target=("workflow.worktask", str(task_id)),
            outcome=AuditOutcome.DENIED,
            detail={"outcome": outcome, "code": exc.code},
            request=request,
        )
        raise


def _decide(
    actor: User,
    task_id: int,
    outcome: str,
    comment: str,
    note_for_applicant: str,
    request: HttpRequest | None,
) -> Case:
    with atomic_audit_last():
        task = workflow_services.complete_task(
            actor=actor,
            task_id=task_id,
            outcome=outcome,
            comment=comment,
            note_for_applicant=note_for_applicant,
            request=request,
        )
        cases = list(
            Case.objects.select_for_update(of=("self",))
            .select_related("applicant", "parent")
            .filter(instance_id=task.instance_id)
            .order_by("pk")
        )
        case = next((c for c in cases if c.parent_id is None), cases[0])
        now = timezone.now()
        extensions.withdraw_pending(task, actor=actor, now=now)
        instance = task.instance
        status: str = CaseStatus.IN_PROGRESS
        if instance.status != InstanceStatus.RUNNING:
            done = [t for t in workflow_queries.tasks_of_instance(instance) if t.completed_at]
            done.sort(key=lambda t: (t.completed_at, t.pk))
            status = _final_status([t.outcome for t in done])
        touched = [case]
        event = _record_step(case, task, actor, now)
        case.status, case.updated_at = status, now
        case.save(update_fields=["status", "updated_at"])
        # A shared run: the child of the task's department follows its own task.
        for child in cases:
            if child.parent_id is not None and child.department_id == task.department_id:
                _record_step(child, task, actor, now)
                child.status, child.updated_at = _CHILD_STATUS[outcome], now
                child.save(update_fields=["status", "updated_at"])
                touched.append(child)
        if case.parent is not None:
            _update_parent(case.parent, now)
        together = timeliness.moving_together(case)
        if outcome == "accept":
            timeliness.start(together, now)
        timeliness.stop_finished(together, now)
        record_event(
            actor=actor,
            action="cases.case_decided",
            target=case,
            detail={
                "number": case.number,
                "task": task.bpmn_id,
                "outcome": outcome,
                "status": status,
                "cases": [c.number for c in touched],
            },
            request=request,
        )
        notifications.tell_applicant(
            case,
            "case_decided",
            dedupe_key=f"task:{task.pk}:decided",
            step=event.step,
            outcome=notifications.outcome_text(event.outcome),
            status=CaseStatus(status).label,
            note=event.note_for_applicant,
        )
    return case


def _record_step(case: Case, task: WorkTask, actor: User, at: Any) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        step=task.name,
        department=task.department,
        outcome=task.outcome,
        actor=actor,
        comment=task.comment,
        note_for_applicant=task.note_for_applicant,
        task_id=task.pk,
        at=at,
    )


def _update_parent(parent: Case, now: Any) -> None:
    """A life event with a run per item is done when every item is."""
    statuses = list(Case.objects.filter(parent=parent).values_list("status", flat=True))
    if all(s in FINAL_STATUSES for s in statuses):
        status = CaseStatus.COMPLETED
    else:
        status = CaseStatus.IN_PROGRESS
    Case.objects.filter(pk=parent.pk).update(status=status, updated_at=now)


def identity_fields(case: Case) -> list[str]:
    """The answers of a case (and its children) holding identity numbers."""
    fields: list[str] = []
    for each in [case, *case.children.all()]:
        if each.form is not None:
            fields += [
                name
                for name, prop in each.form.schema["properties"].items()
                if prop.get("format") == "cn-id" and name in each.data
            ]
    return sorted(set(fields))


def record_case_viewed(*, viewer: User, case: Case, request: HttpRequest | None = None) -> None:
    """An officer opening someone's case sees their identity numbers in full, because
    verifying them is the work (ADR 0007); each such view is audited. The applicant's
    own views are not."""
    if permissions.is_party(viewer, case):
        return
    fields = identity_fields(case)
    if not fields:
        return
    with transaction.atomic():
        record_event(
            actor=viewer,
            action="identity.personal_data_viewed",
            target=case,
            detail={"field": "id_number", "case": case.number, "fields": fields},
            request=request,
        )
