"""The officers' pages: the department inbox and a task's page, with claiming,
releasing and deciding."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from onewindow.cases import queries, services, supplement_forms
from onewindow.cases.case_page import case_view
from onewindow.cases.choices import FINAL_STATUSES, OUTCOMES_NEEDING_REASON, CaseStatus
from onewindow.cases.models import Case
from onewindow.cases.pages import inbox_to_return_to, officer_or_404, safe_next
from onewindow.cases.presenters import ClockView, clock_view, outcome_choices
from onewindow.cases.views import visible_case
from onewindow.core import paging
from onewindow.core.errors import InvalidInput, NotFound, ServiceError
from onewindow.core.templatetags.onewindow import localized
from onewindow.forms.rendering import SummaryItem
from onewindow.identity.models import User
from onewindow.identity.permissions import holds_any_role
from onewindow.identity.roles import Role
from onewindow.workflow import permissions as workflow_permissions
from onewindow.workflow import queries as workflow_queries
from onewindow.workflow import services as workflow_services
from onewindow.workflow.choices import TaskStatus
from onewindow.workflow.models import WorkTask

# Rows per page: a window's inbox can hold thousands of open tasks.
INBOX_PAGE_SIZE = 50


# --- officers -----------------------------------------------------------------------


@dataclass
class InboxRow:
    task: WorkTask
    case: Case | None
    clock: ClockView | None  # the task's own limit, else its case's
    item: Case | None = None  # of a life event's shared run, the task department's item


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    user = officer_or_404(request)
    service = request.GET.get("service", "").strip()[:40]
    # A value the filter does not offer (an old bookmark, a typed address) is left out,
    # and the page says so (QA: the whole inbox was shown as if filtered; the API 422s).
    status, status_left_out = _offered(request.GET.get("status", ""), dict(INBOX_STATUSES))
    deadline, deadline_left_out = _offered(request.GET.get("deadline", ""), queries.DEADLINES)
    order, order_left_out = _offered(request.GET.get("order", ""), dict(ORDER_CHOICES))
    mine = request.GET.get("mine") == "1"
    filters = {
        "service": service,
        "status": status,
        "deadline": deadline,
        "mine": "1" * mine,
        "order": order,
    }
    now = timezone.now()
    open_tasks = queries.inbox(
        user,
        service=service,
        status=status,
        deadline=deadline,
        mine=mine,
        order=order or "oldest",
        now=now,
    )
    page, tasks = paging.page_by_ids(open_tasks, INBOX_PAGE_SIZE, request.GET.get("page"))
    cases, items = queries.cases_and_items([t.instance_id for t in tasks])
    rows = []
    for task in tasks:
        case = cases.get(task.instance_id)
        clock = task.clock or (case.clock if case else None)
        item = items.get((task.instance_id, task.department_id or 0))
        rows.append(InboxRow(task, case, clock_view(clock, now), item))
    services = queries.inbox_services(user)
    claimed, claimed_total = _claimed_in_administered(user)
    return render(
        request,
        "cases/inbox.html",
        {
            "rows": rows,
            "claimed": claimed,
            "claimed_total": claimed_total,
            "page": page,
            "page_params": urlencode({k: v for k, v in filters.items() if v}),
            "service": service,
            "services": services,
            # A code given in the address but no longer in the inbox stays shown.
            "service_codes": {s["service_code"] for s in services},
            "status": status,
            "statuses": INBOX_STATUSES,
            "deadline": deadline,
            "deadlines": DEADLINE_CHOICES,
            "mine": mine,
            "order": order,
            "orders": ORDER_CHOICES,
            "left_out": status_left_out or deadline_left_out or order_left_out,
            "here": request.get_full_path(),
            # A task opened from a filtered or later page brings its decision back here.
            "back_query": urlencode({"back": request.get_full_path()}) if request.GET else "",
        },
    )


def _offered(value: str, offered: Collection[str]) -> tuple[str, bool]:
    """``value`` if the filter offers it, else "" and whether one was given."""
    return (value, False) if value in offered else ("", bool(value))


def _claimed_in_administered(user: User) -> tuple[list[tuple[WorkTask, Any]], int]:
    """For a department admin, the tasks officers of their departments hold, with their
    cases (the longest held, ``CLAIMED_SHOWN`` at most), and how many there are: those
    of an officer away are freed here (none for anyone else, unread)."""
    if not holds_any_role(user, frozenset({Role.DEPARTMENT_ADMIN})):
        return [], 0
    held = workflow_queries.claimed_in_administered(user)
    tasks = list(held[: workflow_queries.CLAIMED_SHOWN])
    # Counted only when the list is cut (QA: it stopped at 100 of 306 without a word).
    total = held.count() if len(tasks) == workflow_queries.CLAIMED_SHOWN else len(tasks)
    cases = queries.cases_by_instance([task.instance_id for task in tasks])
    return [(task, cases.get(task.instance_id)) for task in tasks], total


# The statuses the inbox filters by: those a case with an open task can have. A case
# takes a final status only once its run has ended (``services.decide_task``), when no
# task of it is open any more, so "Approved" or "Rejected" could only ever find nothing.
INBOX_STATUSES = [
    (value, name) for value, name in CaseStatus.choices if value not in FINAL_STATUSES
]

DEADLINE_CHOICES = [
    ("overdue", gettext_lazy("Overdue")),
    ("due_soon", gettext_lazy("Due soon")),
    ("on_track", gettext_lazy("On time")),
    ("supplement", gettext_lazy("Waiting for a supplement")),
]

# "" is the default order, oldest first, and stays out of the address.
ORDER_CHOICES = [
    ("", gettext_lazy("Oldest first")),
    ("newest", gettext_lazy("Newest first")),
    ("last_day", gettext_lazy("Nearest last day first")),
]


def task_or_404(user: User, task_id: int) -> WorkTask:
    try:
        return workflow_queries.task_for_officer(user, task_id)
    except WorkTask.DoesNotExist as exc:
        raise Http404 from exc


def _task_action(
    request: HttpRequest, task_id: int, action: Any, done: Callable[[WorkTask], str]
) -> HttpResponse:
    user = officer_or_404(request)
    try:
        task = action(actor=user, task_id=task_id, request=request)
    except NotFound as exc:
        raise Http404 from exc
    except ServiceError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, done(task))
    return redirect(safe_next(request, reverse("cases:task", args=[task_id])))


def _case_number(task: WorkTask) -> str:
    case = queries.cases_by_instance([task.instance_id]).get(task.instance_id)
    return case.number if case else ""  # a run started without a case: none to name


def _naming(task: WorkTask, alone: str, of_case: str) -> str:
    """``of_case`` with the task's name and its case's number, or ``alone`` with its
    name when the run has no case."""
    number = _case_number(task)
    message = of_case if number else alone
    return message % {"name": localized(task), "number": number}


def _claimed(task: WorkTask) -> str:
    return _naming(
        task,
        _("You claimed the task “%(name)s”."),
        _("You claimed the task “%(name)s” of case %(number)s."),
    )


def _released(task: WorkTask) -> str:
    return _naming(
        task,
        _("You released the task “%(name)s”; it is back in the department's inbox."),
        _(
            "You released the task “%(name)s” of case %(number)s; it is back in the "
            "department's inbox."
        ),
    )


def _decided(task: WorkTask) -> str:
    return _naming(
        task,
        _("Your decision on the task “%(name)s” was recorded."),
        _("Your decision on the task “%(name)s” of case %(number)s was recorded."),
    )


@login_required
@require_POST
def claim(request: HttpRequest, task_id: int) -> HttpResponse:
    return _task_action(request, task_id, workflow_services.claim_task, _claimed)


@login_required
@require_POST
def release(request: HttpRequest, task_id: int) -> HttpResponse:
    return _task_action(request, task_id, workflow_services.release_task, _released)


@login_required
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    """The application, its history and the decision form of one task."""
    user = officer_or_404(request)
    task = task_or_404(user, task_id)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            services.decide_task(
                actor=user,
                task_id=task.pk,
                outcome=request.POST.get("outcome", ""),
                comment=request.POST.get("comment", "").strip(),
                note_for_applicant=request.POST.get("note_for_applicant", "").strip(),
                request=request,
            )
        except NotFound as exc:
            raise Http404 from exc
        except InvalidInput as error:
            for name, field_messages in error.fields.items():
                target = name if name in ("outcome", "comment", "note_for_applicant") else "outcome"
                errors.setdefault(target, []).extend(str(m) for m in field_messages)
            if not errors:
                errors["outcome"] = [str(error.message)]
        except ServiceError as error:
            messages.error(request, str(error.message))
            return redirect("cases:task", task_id=task.pk)
        else:
            messages.success(request, _decided(task))
            return redirect(inbox_to_return_to(request))
    return render_task_page(request, user, task, errors=errors)


def _decision_summary(errors: dict[str, list[str]]) -> list[SummaryItem]:
    """The decision form's problems, each linking to its input: the outcome's, which
    says what to choose, alone; the texts' under their labels."""
    labels = {
        "comment": pgettext("an officer's comment on a step of a case", "Comment"),
        "note_for_applicant": _("Note for the applicant"),
    }
    anchors = {"outcome": "#id_outcome_0"}  # a group: its first choice
    return [
        SummaryItem(anchors.get(name, f"#id_{name}"), labels.get(name, ""), message)
        for name, messages in errors.items()
        for message in messages
    ]


def render_task_page(
    request: HttpRequest,
    user: User,
    task: WorkTask,
    *,
    errors: dict[str, list[str]] | None = None,
    supplement_errors: dict[str, list[str]] | None = None,
    extension_errors: dict[str, list[str]] | None = None,
) -> HttpResponse:
    """The task page; with ``errors`` the decision form, with ``supplement_errors``
    (by input name) the supplement request form, with ``extension_errors`` (``days``,
    ``reason``) the extension request form, shown again as posted with its errors
    (422)."""
    errors = errors or {}
    extension_errors = extension_errors or {}
    found = queries.cases_by_instance([task.instance_id]).get(task.instance_id)
    if found is None:
        raise Http404
    case = visible_case(request, found.number)
    open_task = task.status in (TaskStatus.READY, TaskStatus.CLAIMED)
    view = case_view(case, officer=user)
    may_decide = open_task and workflow_permissions.can_complete(user, task)
    own_case = next(
        (c.case for c in view.children if c.case.department_id == task.department_id), case
    )
    asking = supplement_forms.request_form(own_case.form, request.POST, supplement_errors)
    allowed = workflow_queries.allowed_outcomes(task)
    return render(
        request,
        "cases/task.html",
        {
            "task": task,
            "back": inbox_to_return_to(request),
            "here": request.get_full_path(),
            "task_clock": clock_view(task.clock, timezone.now()),
            "view": view,
            "waiting": task.status == TaskStatus.SUSPENDED,
            "can_ask_supplement": may_decide and view.supplement is None,
            "supplement_slots": asking.slots,
            "supplement_errors": asking.errors,
            "supplement_summary": asking.summary,
            "supplement_posted": asking.posted,
            "can_ask_extension": open_task and workflow_permissions.can_work_on(user, task),
            "pending_extension": queries.pending_extensions_of(task).first(),
            "refused_extensions": list(queries.refused_extensions_of(task)),
            "extension_errors": extension_errors,
            "extension_posted": request.POST if extension_errors else {},
            "open": open_task,
            "can_claim": workflow_permissions.can_claim(user, task),
            "can_release": workflow_permissions.can_release(user, task),
            "can_decide": open_task and workflow_permissions.can_complete(user, task),
            "outcomes": outcome_choices(allowed),
            # The comment is a refusal's stated reason only where a refusal is possible,
            # and the label names the refusal this step can make.
            "refusal": next((o for o in OUTCOMES_NEEDING_REASON if o in allowed), ""),
            "errors": errors,
            "summary": _decision_summary(errors),
            "posted": request.POST if errors else {},
        },
        status=422 if errors or asking.errors or extension_errors else 200,
    )
