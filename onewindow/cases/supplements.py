"""Supplement requests (补正): an officer lists the missing or faulty materials with a
reason each; the task waits and the case's clock stops until the applicant supplies
them through the portal or the API; then both clocks go on from where they stopped.

Each write runs in one transaction with its audit record, its timeline entry and its
notifications (outbox rows, delivered after commit).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from onewindow.audit.services import record_event, refused
from onewindow.cases import (
    alerts,
    corrections,
    entries,
    notifications,
    permissions,
    presenters,
    queries,
    starting,
    supplement_materials,
    timeliness,
)
from onewindow.cases.choices import (
    FINAL_STATUSES,
    MAX_NOTE,
    MAX_SUPPLEMENT_ITEMS,
    RESUPPLIED,
    SUPPLEMENT_REQUESTED,
    CaseStatus,
    SupplementStatus,
    refuse_longer_than_note,
)
from onewindow.cases.models import Case, CaseEvent, SupplementRequest
from onewindow.cases.supplement_materials import (
    NEEDS_FILE,
    answer_slots,
    names_a_question,
    own_slots,
)
from onewindow.core.errors import (
    Conflict,
    FieldErrors,
    Forbidden,
    InvalidInput,
    NotFound,
    is_blank,
)
from onewindow.forms import queries as forms_queries
from onewindow.forms.attachments import store_attachment
from onewindow.forms.merge import merged_name
from onewindow.forms.models import Attachment
from onewindow.identity.models import User
from onewindow.workflow import limits as workflow_limits
from onewindow.workflow import permissions as workflow_permissions
from onewindow.workflow import queries as workflow_queries
from onewindow.workflow.bundle import msg
from onewindow.workflow.choices import TaskStatus
from onewindow.workflow.models import WorkTask

MAX_TEXT = 500


def _clean_items(items: Any, case: Case) -> list[dict[str, str | bool]]:
    """Each item names a material (an attachment slot of the case's form, or in words)
    and why it is needed; every problem is reported with its position. Each is stored
    with whether its answer must bring a file (``supplement_materials.requires_file``):
    always, but for a material named in words that is a question of the form (its
    answer is to be corrected) or that says ``needs_file: False`` (an explanation)."""
    errors: dict[str, list[Any]] = {}
    if not isinstance(items, list) or not items:
        message = _("List at least one missing or faulty material.")
        raise InvalidInput(message, fields={"items": [message]})
    if len(items) > MAX_SUPPLEMENT_ITEMS:
        too_many = msg(_("List at most %(count)d materials."), count=MAX_SUPPLEMENT_ITEMS)
        raise InvalidInput(too_many, fields={"items": [too_many]})
    slots = {slot["key"]: slot for slot in (case.form.attachments if case.form else [])}
    cleaned: list[dict[str, str | bool]] = []
    listed: set[str] = set()  # slots, and the materials named in words, casefolded
    for index, item in enumerate(items):
        item = item if isinstance(item, Mapping) else {}
        slot = str(item.get("slot") or "").strip()
        material = str(item.get("material") or "").strip()
        reason = str(item.get("reason") or "").strip()
        for name, text in (("material", material), ("reason", reason)):
            if len(text) > MAX_TEXT:  # refused, not cut: a reason cut short may mislead
                errors[f"items.{index}.{name}"] = [
                    msg(_("At most %(limit)d characters."), limit=MAX_TEXT)
                ]
        if slot and slot not in slots:
            errors[f"items.{index}.slot"] = [_("The application has no such material.")]
        elif slot and slot in listed:
            # Asked twice, it would be answered with two files for one slot.
            errors[f"items.{index}.slot"] = [_("This material is listed already.")]
        listed.add(slot)
        if is_blank(material) and slot in slots:
            material = str(slots[slot].get("label") or slot)
        if is_blank(material):
            errors.setdefault(f"items.{index}.material", [_("Name the material.")])
        elif not slot:
            named = " ".join(material.split()).casefold()
            if named in listed:
                errors.setdefault(
                    f"items.{index}.material", [_("This material is listed already.")]
                )
            listed.add(named)
        if is_blank(reason):
            errors.setdefault(f"items.{index}.reason", [_("Say what is missing or wrong.")])
        needs_file = bool(slot) or (
            item.get(NEEDS_FILE) is not False and not names_a_question(material, case.form)
        )
        cleaned.append(
            {"slot": slot, "material": material, "reason": reason, NEEDS_FILE: needs_file}
        )
    if errors:
        raise InvalidInput(_("Some items need correcting."), fields=errors)
    return cleaned


def _case_of_task(task: WorkTask) -> Case:
    """The case whose material the task's step examines: for a life event sharing one
    run, the item of the task's department; otherwise the run's case."""
    cases = list(
        Case.objects.select_for_update(of=("self",))
        .select_related("form", "clock", "applicant", "parent")
        .filter(instance_id=task.instance_id)
        .order_by("pk")
    )
    if not cases:
        raise NotFound(_("No such task."))
    own = [c for c in cases if c.parent_id is not None and c.department_id == task.department_id]
    return own[0] if own else next((c for c in cases if c.parent_id is None), cases[0])


def request_supplement(
    *,
    actor: User,
    task_id: int,
    items: Sequence[Mapping[str, Any]],
    note: str = "",
    request: HttpRequest | None = None,
) -> SupplementRequest:
    """Ask the applicant for missing or faulty material (一次性告知: everything at once)."""
    try:
        task = workflow_queries.task_for_officer(actor, task_id)
    except WorkTask.DoesNotExist:
        raise NotFound(_("No such task.")) from None
    # The order of ``complete_task``'s checks: the officers of the step's lane learn
    # why they cannot act (the step waits already, or is done); others are refused.
    may_work = workflow_permissions.can_work_on(actor, task)
    if may_work and task.status == TaskStatus.SUSPENDED:
        message = _("A supplement request for this case is already open.")
        raise Conflict(message, code="supplement_open")
    if may_work and task.status not in (TaskStatus.READY, TaskStatus.CLAIMED):
        raise Conflict(_("This task is no longer open."), code="task_closed")
    if not workflow_permissions.can_complete(actor, task):
        raise refused(
            Forbidden(_("Only an officer who may decide this task can ask for a supplement.")),
            actor=actor,
            action="cases.supplement_requested",
            target=task,
            request=request,
        )
    refuse_longer_than_note(note=note)
    with transaction.atomic():
        now = timezone.now()
        # The run and the task before the case, in a decision's order (suspend_task).
        workflow_limits.suspend_task(actor=actor, task_id=task.pk, request=request)
        case = _case_of_task(task)
        if case.status in FINAL_STATUSES:
            raise Conflict(_("This case is closed."), code="case_closed")
        if case.supplements.filter(status=SupplementStatus.OPEN).exists():
            message = _("A supplement request for this case is already open.")
            raise Conflict(message, code="supplement_open")
        cleaned = _clean_items(list(items), case)
        together = timeliness.moving_together(case)
        timeliness.pause(together, now)
        supplement = SupplementRequest.objects.create(
            case=case,
            task=task,
            requested_by=actor,
            requested_at=now,
            items=cleaned,
            note=note.strip(),
            previous_status=case.status,
        )
        _set_status(together, case, CaseStatus.SUPPLEMENT, now)
        CaseEvent.objects.create(
            case=case,
            **CaseEvent.step_of(task),
            department=task.department,
            outcome=SUPPLEMENT_REQUESTED,
            actor=actor,
            # Asked on the step's behalf: in the role its outcomes say it is for.
            role=entries.step_role(task, actor, workflow_queries.allowed_outcomes(task)),
            # As written now; pages and the API say it in their reader's language
            # (``entries``), from the request itself.
            note_for_applicant=supplement_materials.items_text(supplement),
            task_id=task.pk,
            supplement=supplement,
            at=now,
        )
        record_event(
            actor=actor,
            action="cases.supplement_requested",
            target=case,
            detail={"number": case.number, "task": task.bpmn_id, "items": cleaned},
            request=request,
        )
        notifications.tell_applicant(
            case,
            "supplement_requested",
            dedupe_key=f"supplement:{supplement.pk}:requested",
            service=presenters.service_name(case),
            items=supplement_materials.requested_lazily(supplement),
            note=supplement.note,
        )
    return supplement


def _correct(
    applicant: User, case: Case, correction: corrections.Correction, request: HttpRequest | None
) -> None:
    """Store the corrected answers (``case`` is locked): the item's, and the life
    event's (locked after the item, as a step's status reaches it) as the applicant
    reads them on its page; then the facts the run has still to test."""
    run_before, run_after = case.data, correction.data
    facts_of = case.service_code
    case.data = correction.data
    case.save(update_fields=["data"])
    if correction.parent is not None:
        parent = Case.objects.select_for_update().get(pk=correction.parent.pk)
        corrected = correction.parent_data(parent.data)
        if parent.instance_id == case.instance_id:
            # A run the event's items share holds the event's answers, by merged name.
            run_before, run_after, facts_of = parent.data, corrected, parent.service_code
        parent.data = corrected
        parent.save(update_fields=["data"])
    _correct_process_data(applicant, case, run_before, run_after, facts_of, request)


def _correct_process_data(
    applicant: User,
    case: Case,
    before_data: Mapping[str, Any],
    after_data: Mapping[str, Any],
    service: str,
    request: HttpRequest | None,
) -> None:
    """Corrected answers reach the steps the run has still to take: the facts a later
    gateway or rule tests are those the applicant corrected, not those first given."""
    if case.instance_id is None:
        return
    before = starting.process_facts(before_data, service)
    after = starting.process_facts(after_data, service)
    changes = {name: value for name, value in after.items() if before.get(name) != value}
    if changes:
        workflow_limits.update_data(
            actor=applicant, instance_id=case.instance_id, changes=changes, request=request
        )


def _set_status(together: list[Case], case: Case, status: str, now: Any) -> None:
    """The case, and the parent of a life event's item, show the wait; when it ends,
    the parent is back in progress if it was accepted, else submitted."""
    Case.objects.filter(pk=case.pk).update(status=status, updated_at=now)
    case.status = status
    parent = next((c for c in together if c.pk == case.parent_id), None)
    if parent is not None:
        if status != CaseStatus.SUPPLEMENT:
            status = CaseStatus.IN_PROGRESS if parent.clock_id else CaseStatus.SUBMITTED
        Case.objects.filter(pk=parent.pk).update(status=status, updated_at=now)
        parent.status = status


def open_request(user: Any, number: str) -> SupplementRequest:
    """The open supplement request of a case the user applied for (or one of its
    items'); ``Conflict`` when their case awaits none (already answered), ``NotFound``
    when the case is not theirs."""
    message = _("No supplement is awaited for this case.")
    case = Case.objects.select_related("company").filter(number=number).first()
    if case is None or not permissions.is_party(user, case):
        raise NotFound(_("No such case."))
    open_requests = list(
        SupplementRequest.objects.select_related("case", "case__form", "task")
        .filter(Q(case=case) | Q(case__parent=case), status=SupplementStatus.OPEN)
        .order_by("pk")
    )
    # The case's own request, else its first item's (a life event's).
    found = next((r for r in open_requests if r.case_id == case.pk), None)
    found = found or (open_requests[0] if open_requests else None)
    if found is None:
        raise Conflict(message, code="supplement_closed")
    return found


def store_answer_file(
    *, applicant: User, number: str, slot: str, upload: Any, request: HttpRequest | None = None
) -> Attachment:
    """Store one file for a material the open request on the applicant's case asks
    for (``supplement_materials.answer_slots``), checked by content as any upload;
    ``resupply`` then sends it by its id."""
    supplement = open_request(applicant, number)
    form = supplement.case.form
    wanted = answer_slots(supplement)
    if form is None or slot not in {s["key"] for s in wanted}:
        message = _("This supplement request does not ask for such a material.")
        raise InvalidInput(message, code="unknown_slot", fields={"slot": [message]})
    return store_attachment(
        owner=applicant,
        definition=form,
        slot=slot,
        upload=upload,
        request=request,
        slot_spec=own_slots(wanted).get(slot),
    )


def _explanations(supplement: SupplementRequest, given: Any, errors: FieldErrors) -> str:
    """The explanations the request asks for, as lines "material: text" in its order;
    in ``errors`` at ``explanations.<number>``, one missing, too long or holding a
    control character, or one the request did not ask for."""
    if given is not None and not isinstance(given, Mapping):
        errors.add("explanations", _("Give the explanations as an object of item number and text."))
        return ""
    given = given or {}
    asked = supplement_materials.explanation_numbers(supplement)
    for number in given:
        if str(number) not in asked:
            errors.add(f"explanations.{number}", _("The request asks for no explanation here."))
    lines = []
    for number in asked:
        text = errors.text(
            given.get(number), f"explanations.{number}", required=True, limit=MAX_NOTE
        )
        item = supplement.items[int(number) - 1]
        lines.append(
            pgettext("an explanation under the material it answers", "%(material)s: %(text)s")
            % {"material": item["material"], "text": text}
        )
    return "\n".join(lines)


def _uncorrected(supplement: SupplementRequest, data: Any, errors: FieldErrors) -> None:
    """In ``errors`` at ``data.<question>``, each question the request asks to have
    corrected that the answer leaves out (what it sends is checked by ``corrections``)."""
    sent = data if isinstance(data, Mapping) else {}
    form = supplement.case.form
    for question in supplement_materials.corrected_questions(supplement):
        # Or under the life event's form's name for it, as ``corrections`` reads it.
        merged = merged_name(form, question) if form is not None else question
        if question not in sent and merged not in sent:
            errors.add(f"data.{question}", _("Send this answer corrected."))


def _answer_attachments(
    applicant: User, supplement: SupplementRequest, given: Any
) -> dict[str, Attachment]:
    given = given or {}
    if not isinstance(given, Mapping):
        message = _("Give attachments as an object of slot and attachment id.")
        raise InvalidInput(message, fields={"attachments": [message]})
    form = supplement.case.form
    wanted = [slot["key"] for slot in answer_slots(supplement) if slot["required"]]
    errors: dict[str, list[Any]] = {}
    found: dict[str, Attachment] = {}
    for slot, attachment_id in given.items():
        attachment = (
            forms_queries.attachments_of(applicant).filter(pk=attachment_id).first()
            if isinstance(attachment_id, int)
            else None
        )
        if (
            form is None
            or attachment is None
            or attachment.definition is None
            or attachment.definition.key != form.key
            or attachment.slot != slot
        ):
            errors[f"attachments.{slot}"] = [_("There is no such attachment for this slot.")]
        else:
            found[slot] = attachment
    for slot in wanted:  # each material whose file the request requires
        if slot not in given:
            errors[f"attachments.{slot}"] = [_("Attach this document.")]
    if errors:
        raise InvalidInput(_("Some answers need correcting."), fields=errors)
    return found


def _replace_files(case: Case, found: dict[str, Attachment]) -> None:
    """The answer's files take the place of the old ones of their slots, on the case
    holding the application's files: a life event's parent holds its items' files
    (uploaded once through the merged form), and officers read them there."""
    holder = case.parent if case.parent_id is not None else case
    assert holder is not None
    old = holder.attachments.filter(slot__in=list(found))
    if holder.pk != case.pk and case.form is not None:
        # Another item's material of the same name stays; a shared one is this one too.
        shared = [slot["key"] for slot in case.form.attachments if slot.get("shared")]
        old = old.filter(Q(definition__key=case.form.key) | Q(slot__in=shared))
    holder.attachments.remove(*old)
    holder.attachments.add(*found.values())


def resupply(
    *,
    applicant: User,
    number: str,
    attachments: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
    explanations: Mapping[str, Any] | None = None,
    comment: str = "",
    language: str | None = None,
    request: HttpRequest | None = None,
) -> Case:
    """The applicant answers the open supplement request: the requested files (every
    slot the request names), the corrected answers it asks for (and no other), an
    explanation in words for each item asked for as one (``explanations``, by the item's
    number from 1), a comment. The explanations are kept in the answer's comment, each
    under its material, where the officer reads the answer. The task returns to its
    holder and the clocks resume from where they stopped."""
    supplement = open_request(applicant, number)
    refuse_longer_than_note(comment=comment)
    case = supplement.case
    # Every problem of the answer in one round: the words, the questions, the files.
    problems = FieldErrors()
    written = _explanations(supplement, explanations, problems)
    _uncorrected(supplement, data, problems)
    found: dict[str, Attachment] = {}
    try:
        found = _answer_attachments(applicant, supplement, attachments)
    except InvalidInput as files_refused:
        if not files_refused.fields:
            raise
        for name, messages in files_refused.fields.items():
            for message in messages:
                problems.add(name, message)
    problems.raise_if_any()
    asked = supplement_materials.corrected_questions(supplement)
    correction = corrections.correct(case, data, language, asked=asked) if data else None
    comment = "\n\n".join(part for part in (written, comment.strip()) if part)
    with transaction.atomic():
        # The run and the step's task before the request and the case, in the order of
        # an officer's step (workflow_limits.lock_task).
        workflow_limits.lock_task(supplement.task_id)
        supplement = SupplementRequest.objects.select_for_update().get(pk=supplement.pk)
        if supplement.status != SupplementStatus.OPEN:
            raise Conflict(_("This supplement was already supplied."), code="supplement_closed")
        # "of self": the clock is the nullable side of an outer join, which PostgreSQL
        # refuses to lock.
        case = Case.objects.select_for_update(of=("self",)).select_related("clock").get(pk=case.pk)
        now = timezone.now()
        if found:
            _replace_files(case, found)
            supplement.answer_attachments.set(found.values())
        if correction is not None:
            _correct(applicant, case, correction, request)
        supplement.status, supplement.answered_at = SupplementStatus.ANSWERED, now
        supplement.answer_comment = comment.strip()
        supplement.save(update_fields=["status", "answered_at", "answer_comment"])
        task = workflow_limits.resume_task(
            actor=applicant, task_id=supplement.task_id, request=request
        )
        together = timeliness.moving_together(case)
        timeliness.resume(together, now)
        _set_status(together, case, supplement.previous_status, now)
        CaseEvent.objects.create(
            case=case,
            **CaseEvent.step_of(task),
            department=task.department,
            outcome=RESUPPLIED,
            actor=applicant,
            comment=supplement.answer_comment,
            task_id=task.pk,
            supplement=supplement,  # what it answers, and what it came without
            at=now,
        )
        record_event(
            actor=applicant,
            action="cases.case_resupplied",
            target=case,
            detail={
                "number": case.number,
                "supplement": supplement.pk,
                "attachments": {slot: a.pk for slot, a in found.items()},
                "corrected": sorted(data or {}),
            },
            request=request,
        )
        case.refresh_from_db(fields=["clock"])
        notifications.tell_applicant(
            case,
            "case_resumed",
            dedupe_key=f"supplement:{supplement.pk}:answered",
            service=presenters.service_name(case),
            due=alerts.due_day(case.clock),
        )
        # Named as their inbox lists the task: a life event's item on the event's shared
        # run under the event's number, not the item's.
        on_run = queries.cases_by_instance([task.instance_id]).get(task.instance_id, case)
        alerts.tell_holders(
            task,
            "case_resupplied",
            dedupe_key=f"supplement:{supplement.pk}:answered",
            case=on_run,
        )
    return case
