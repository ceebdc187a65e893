"""Extensions of a case's time limit (延期): the officer holding a task asks, with a
reason and a number of working days; a department lead or a supervisor over the task's
department approves or refuses; an approved extension moves the task's and the case's
deadlines and is shown to the applicant. A request still waiting when its step is
decided is withdrawn: there is no limit left to extend.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from onewindow.audit.services import record_event, refused
from onewindow.cases import (
    alerts,
    notifications,
    permissions,
    presenters,
    queries,
    timeliness,
)
from onewindow.cases.choices import (
    EXTENDED,
    FINAL_STATUSES,
    MAX_EXTENSION_DAYS,
    MAX_NOTE,
    ExtensionStatus,
    refuse_longer_than_note,
)
from onewindow.cases.models import Case, CaseEvent, Extension
from onewindow.cases.queries import cases_by_instance
from onewindow.core.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    is_blank,
)
from onewindow.identity import permissions as identity_permissions
from onewindow.identity.models import User
from onewindow.notifications import services as notification_services
from onewindow.workflow import clocks
from onewindow.workflow import limits as workflow_limits
from onewindow.workflow import permissions as workflow_permissions
from onewindow.workflow import queries as workflow_queries
from onewindow.workflow import services as workflow_services
from onewindow.workflow.bundle import msg
from onewindow.workflow.choices import OPEN_TASK_STATUSES, ClockState
from onewindow.workflow.models import Clock, WorkTask


def _check(days: object, reason: str) -> int:
    errors: dict[str, list[str | Promise]] = {}
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_EXTENSION_DAYS:
        errors["days"] = [
            msg(_("Give a whole number of working days from 1 to %(max)d."), max=MAX_EXTENSION_DAYS)
        ]
    if is_blank(reason):
        errors["reason"] = [_("Give the reason for the extension.")]
    elif len(reason.strip()) > MAX_NOTE:
        errors["reason"] = [msg(_("At most %(limit)d characters."), limit=MAX_NOTE)]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], fields=errors)
    assert isinstance(days, int)
    return days


def request_extension(
    *, actor: User, task_id: int, days: object, reason: str, request: HttpRequest | None = None
) -> Extension:
    """Ask for more working days on a task's case; its leads are told."""
    try:
        task = workflow_queries.task_for_officer(actor, task_id)
    except WorkTask.DoesNotExist:
        raise NotFound(_("No such task.")) from None
    if not workflow_permissions.can_work_on(actor, task):
        raise refused(
            Forbidden(_("Only an officer of this step may ask for an extension.")),
            actor=actor,
            action="cases.extension_requested",
            target=task,
            request=request,
        )
    # After the permission: input errors go back to a form only its askers are shown.
    checked = _check(days, reason)
    with transaction.atomic():
        # Under the task's lock (after its run's), before the case's rows (lock_task):
        # a decision of the step meanwhile closes it, and its requests with it.
        # Closed, or waiting for the applicant's supplement: said as such.
        workflow_services.check_open(workflow_limits.lock_task(task.pk))
        case = cases_by_instance([task.instance_id]).get(task.instance_id)
        if case is None or case.status in FINAL_STATUSES:
            raise Conflict(_("This case is closed."), code="case_closed")
        if queries.pending_extensions_of(task).exists():
            message = _("An extension for this task is already awaiting approval.")
            raise Conflict(message, code="extension_pending")
        extension = Extension.objects.create(
            case=case, task=task, days=checked, reason=reason.strip(), requested_by=actor
        )
        record_event(
            actor=actor,
            action="cases.extension_requested",
            target=case,
            detail={"number": case.number, "task": task.bpmn_id, "days": checked},
            request=request,
        )
        alerts.tell(
            permissions.extension_deciders(extension),
            "extension_requested",
            dedupe_key=_requested_key(extension),
            case=case,
            task=task,
            link=reverse("cases:extensions"),
            days=checked,
            reason=extension.reason,
            requested_by=actor.full_name,
        )
    return extension


def _requested_key(extension: Extension) -> str:
    return f"extension:{extension.pk}:requested"


def decide_extension(
    *,
    actor: User,
    extension_id: int,
    approve: bool,
    comment: str = "",
    request: HttpRequest | None = None,
) -> Extension:
    """Approve or refuse; an approval moves the task's and the case's deadlines."""
    extension = (
        Extension.objects.select_related("task__department", "case").filter(pk=extension_id).first()
    )
    if extension is None or not permissions.can_see_extension(actor, extension):
        raise NotFound(_("No such extension request."))
    if not permissions.can_decide_extension(actor, extension):
        raise refused(
            Forbidden(_("A department lead or a supervisor, not the requester, decides.")),
            actor=actor,
            action="cases.extension_decided",
            target=extension.case,
            detail={"extension": extension.pk},
            request=request,
        )
    if not approve and is_blank(comment):
        message = _("Give the reason for refusing.")
        # The code a decision's missing reason has (services.decide_task), as README lists.
        raise InvalidInput(message, code="reason_required", fields={"comment": [message]})
    refuse_longer_than_note(comment=comment)
    with transaction.atomic():
        # The run and the task before the request, in a decision's order (lock_task).
        task = workflow_limits.lock_task(extension.task_id)
        extension = Extension.objects.select_for_update().get(pk=extension.pk)
        if extension.status != ExtensionStatus.PENDING:
            raise Conflict(_("This extension was already decided."), code="extension_decided")
        if approve and task.status not in OPEN_TASK_STATUSES:
            # The step was decided meanwhile: there is no limit left to extend (refusing
            # still closes the request).
            raise Conflict(workflow_services.CLOSED, code="task_closed")
        now = timezone.now()
        extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
        extension.decided_by, extension.decided_at = actor, now
        extension.decision_comment = comment.strip()
        extension.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
        case = Case.objects.select_related("clock", "applicant", "parent").get(pk=extension.case_id)
        if approve:
            _apply(extension, case, actor, now, request)
        record_event(
            actor=actor,
            action="cases.extension_decided",
            target=case,
            detail={
                "number": case.number,
                "extension": extension.pk,
                "approved": approve,
                "days": extension.days,
            },
            request=request,
        )
        # The request waits for no other decider now.
        notification_services.settle(dedupe_key=_requested_key(extension))
        alerts.tell(
            [extension.requested_by],
            "extension_decided",
            dedupe_key=f"extension:{extension.pk}:decided",
            case=case,
            task=extension.task,
            link=reverse("cases:task", args=[extension.task_id]),
            approved=approve,
            days=extension.days,
            comment=extension.decision_comment,
        )
    return extension


def _apply(
    extension: Extension, case: Case, actor: User, now: datetime, request: HttpRequest | None
) -> None:
    workflow_limits.extend_task(
        actor=actor, task_id=extension.task_id, days=extension.days, request=request
    )
    timeliness.extend(timeliness.moving_together(case), extension.days, now)
    # The step's name, but the role of who decided, and the department they hold it in:
    # a lead of the step's department, or a supervisor over it (the city's, whom the
    # entry called a supervisor of the bureau), not the step's officers. A life event's
    # shared run: the item of the step's department has the entry too, as it has the
    # step's decisions (its own page and its API show it; the event's page shows it
    # once, by its task).
    task = extension.task
    department = task.department
    _runs, items = queries.cases_and_items([task.instance_id])
    item = items.get((task.instance_id, task.department_id or 0))
    entered_on = [case] if item is None or item.pk == case.pk else [case, item]
    acting = identity_permissions.acting_as(actor, department, permissions.EXTENSION_DECIDER_ROLES)
    role, decided_in = acting if acting else ("", department)
    CaseEvent.objects.bulk_create(
        CaseEvent(
            case=entered,
            **CaseEvent.step_of(task),
            department=decided_in,
            outcome=EXTENDED,
            actor=actor,
            role=role,
            comment=extension.decision_comment,
            note_for_applicant=extension.reason,
            task_id=task.pk,
            at=now,
        )
        for entered in entered_on
    )
    case.refresh_from_db(fields=["clock"])
    notifications.tell_applicant(
        case,
        "case_extended",
        dedupe_key=f"extension:{extension.pk}:approved",
        service=presenters.service_name(case),
        days=extension.days,
        reason=extension.reason,
        # Empty before acceptance (no clock yet): the notice says when it is counted from.
        due=alerts.due_day(case.clock),
    )


@dataclass(frozen=True)
class ExtensionDates:
    """What a lead reads before deciding: the step's last day now and if approved, and
    the case's (QA: the request said how many days, not from when to when)."""

    step_now: str
    step_then: str
    case_now: str
    case_then: str


def dates_if_approved(extension: Extension, now: datetime) -> ExtensionDates:
    """The last days (``alerts.day_of``) of the step's and the case's limits, as they are
    and as the extension would make them, computed on copies of their clocks as
    ``_apply`` extends them; "" for a clock not counting."""

    def then(clock: Clock | None) -> str:
        if clock is None or clock.state == ClockState.STOPPED:
            return ""
        trial = copy.copy(clock)
        clocks.extend(trial, extension.days, now)
        return alerts.day_of(trial.due_at)

    step, case = extension.task.clock, extension.case.clock
    return ExtensionDates(
        step_now=alerts.due_day(step) if step else "",
        step_then=then(step),
        case_now=alerts.due_day(case) if case else "",
        case_then=then(case),
    )


def withdraw_pending(task: WorkTask, *, actor: User | None, now: datetime) -> int:
    """The task was decided: requests still awaiting approval have nothing left to
    extend, so they leave the deciders' list, audited. Call inside the decision's
    transaction; returns how many were withdrawn."""
    pending = list(queries.pending_extensions_of(task).select_for_update().select_related("case"))
    for extension in pending:
        extension.status, extension.decided_at = ExtensionStatus.WITHDRAWN, now
        extension.save(update_fields=["status", "decided_at"])
        record_event(
            actor=actor,
            action="cases.extension_withdrawn",
            target=extension.case,
            detail={"number": extension.case.number, "extension": extension.pk},
        )
        notification_services.settle(dedupe_key=_requested_key(extension))
    return len(pending)
