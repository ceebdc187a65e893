"""Writes of the cases app, each in one transaction with its audit record. Filing an
application is ``filing.submit_case``.

Deciding completes the workflow task and updates the case, its timeline and the
applicant's notifications in the same transaction; emails leave only after commit.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from onewindow.audit.services import atomic_audit_last, record_event, refused
from onewindow.cases import (
    entries,
    extensions,
    notifications,
    permissions,
    presenters,
    queries,
    timeliness,
)
from onewindow.cases.choices import (
    FINAL_STATUSES,
    OUTCOMES_NEEDING_REASON,
    CaseStatus,
    refuse_longer_than_note,
)
from onewindow.cases.models import Case, CaseEvent
from onewindow.core.errors import Forbidden, InvalidInput, NotFound, is_blank
from onewindow.identity.models import User
from onewindow.workflow import queries as workflow_queries
from onewindow.workflow import services as workflow_services
from onewindow.workflow.bundle import msg
from onewindow.workflow.choices import InstanceStatus
from onewindow.workflow.models import WorkTask

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
    shown: bool = False,
) -> Case:
    """An officer's decision (受理, 不予受理, 批准, 不予批准, 办结) on a task: the process
    advances, the case's status and timeline follow, the applicant is told. With
    ``shown`` (an answer showing the decided case, as the API's), the case is returned
    as ``queries.case_for`` reads it, and the officer's view of it is audited in the
    decision's own transaction rather than in one more of its own."""
    if not outcome:
        message = _("Choose an outcome.")
        raise InvalidInput(message, code="outcome_required", fields={"outcome": [message]})
    if outcome in OUTCOMES_NEEDING_REASON and is_blank(comment):
        message = _("Give the reason for this decision.")
        raise InvalidInput(message, code="reason_required", fields={"comment": [message]})
    refuse_longer_than_note(comment=comment, note_for_applicant=note_for_applicant)
    try:
        return _decide(actor, task_id, outcome, comment, note_for_applicant, request, shown)
    except InvalidInput as exc:
        if "outcome" not in exc.fields:
            raise
        raise _outcome_not_offered(actor, task_id, exc) from exc
    except (Forbidden, NotFound) as exc:
        # The workflow's own record of the refusal rolled back with this transaction;
        # keep one.
        raise refused(
            exc,
            actor=actor,
            action="cases.case_decided",
            target=("workflow.worktask", str(task_id)),
            detail={"outcome": outcome, "code": exc.code},
            request=request,
        ) from None


_outcome_list = lazy(presenters.outcome_list, str)


def _outcome_not_offered(actor: User, task_id: int, refused: InvalidInput) -> InvalidInput:
    """The workflow's refusal of an outcome its step does not offer, in words an officer
    reads: the step's outcomes by their labels, as the task page's choices show them.
    The answer's own message stays the engine's, naming the codes API clients send.
    Built only when refused: reading the task's process before every decision would
    cost each decision its run's state and files."""
    try:
        task = workflow_queries.task_for_officer(actor, task_id)
    except WorkTask.DoesNotExist:  # the workflow had found it; gone since
        return refused
    allowed = workflow_queries.allowed_outcomes(task)
    message = msg(
        _("Choose one of this step's outcomes: %(outcomes)s."), outcomes=_outcome_list(allowed)
    )
    return InvalidInput(refused.message, code="outcome_not_offered", fields={"outcome": [message]})


def _decide(
    actor: User,
    task_id: int,
    outcome: str,
    comment: str,
    note_for_applicant: str,
    request: HttpRequest | None,
    shown: bool,
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
            # With what the clocks below read (timeliness: the clock, the promised limit).
            .select_related("applicant", "parent", "clock", "item_version")
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
        else:
            timeliness.start_items_reached(together, now)
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
            new_event=True,  # the task completed above, under its row lock
            step=presenters.step_name(event),
            outcome=notifications.outcome_text(event.outcome),
            status=CaseStatus(status).label,
            note=event.note_for_applicant,
            # A refusal's stated reason is the applicant's to read in the notice too.
            reason=event.comment if outcome in OUTCOMES_NEEDING_REASON else "",
            # The last step: the notice gives the case's result, not only the step's.
            finished=status in FINAL_STATUSES,
            next_steps=_next_steps(task.instance_id, running=status not in FINAL_STATUSES),
        )
        if shown:
            case = queries.case_for(actor, case.number)
            record_case_viewed(viewer=actor, case=case, request=request)
    return case


def _next_steps(instance_id: int, *, running: bool) -> list[dict[str, str]]:
    """What the applicant is told comes next: the steps the run now waits on, each with
    its department, named in the language each copy of the notice is written in."""
    if not running:
        return []
    return [
        {
            "step": presenters.task_name(task),
            "department": presenters.department_name(task.department) if task.department else "",
        }
        for task in workflow_queries.open_tasks_of(instance_id)
    ]


def _record_step(case: Case, task: WorkTask, actor: User, at: Any) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        **CaseEvent.step_of(task),
        department=task.department,
        outcome=task.outcome,
        actor=actor,
        role=entries.step_role(task, actor),
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
    record_event(
        actor=viewer,
        action="identity.personal_data_viewed",
        target=case,
        detail={"field": "id_number", "case": case.number, "fields": fields},
        request=request,
    )
