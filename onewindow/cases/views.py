"""Cases pages: applying, the receipt, my cases, a case's timeline, and the officers'
inbox and task pages. Each view parses, authorizes through queries and permissions,
calls one service and renders."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onewindow.cases import (
    accountability,
    filing,
    notifications,
    permissions,
    presenters,
    queries,
    services,
    starting,
    supplement_forms,
)
from onewindow.cases.choices import FINAL_STATUSES, CaseStatus
from onewindow.cases.materials import Material, case_materials
from onewindow.cases.models import Case, CaseEvent, Extension, SupplementRequest
from onewindow.cases.presenters import ClockView, clock_view, outcome_choices
from onewindow.catalog import queries as catalog_queries
from onewindow.catalog.choices import Audience
from onewindow.catalog.models import LifeEvent
from onewindow.core import paging
from onewindow.core.errors import InvalidInput, NotFound, ServiceError
from onewindow.core.templatetags.onewindow import localized, localized_marked
from onewindow.forms import queries as forms_queries
from onewindow.forms import services as forms_services
from onewindow.forms.attachments import store_attachment, upload_field_name
from onewindow.forms.merge import MergedForm
from onewindow.forms.prefill import prefilled
from onewindow.forms.rendering import (
    RenderedForm,
    SlotView,
    build_form,
    render_form,
)
from onewindow.forms.validation import coerce_data, validate_data
from onewindow.identity.models import User
from onewindow.identity.permissions import is_officer
from onewindow.identity.roles import Role
from onewindow.workflow import permissions as workflow_permissions
from onewindow.workflow import queries as workflow_queries
from onewindow.workflow import services as workflow_services
from onewindow.workflow.choices import TaskStatus
from onewindow.workflow.models import WorkTask

KEEP_PREFIX = "kept-"
# Rows per page of the long lists: a window's inbox can hold thousands of open tasks, a
# company agent's cases as many.
INBOX_PAGE_SIZE = 50
MY_CASES_PAGE_SIZE = 25


def _current_user(request: HttpRequest) -> User:
    """The logged-in user (views using this are behind login_required)."""
    assert isinstance(request.user, User)
    return request.user


def _officer(request: HttpRequest) -> User:
    """The logged-in officer; anyone else gets a 404, as if the page did not exist."""
    user = _current_user(request)
    if not is_officer(user):
        raise Http404
    return user


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return fallback


# --- applying ---------------------------------------------------------------------


def application_page(
    request: HttpRequest,
    *,
    service: str,
    definition: Any,
    template: str,
    context: dict[str, Any],
    audience: str = Audience.PERSON,
) -> HttpResponse:
    """The application form of an item or a life event: GET shows it (with the draft
    kept last time); POST stores the uploads, then either keeps a draft ("save and
    continue later") or files the case and redirects to its receipt. A company's agent
    chooses whether to apply for themself or for a company they represent (for a
    service for companies, their first company is chosen to begin with)."""
    user = _current_user(request)
    companies = list(user.companies.order_by("name"))
    company = request.POST.get("company", "").strip()
    if request.method != "POST" and companies and audience == Audience.COMPANY:
        company = companies[0].uscc
    errors: dict[str, list[Any]] = {}
    kept = _kept_attachments(request, user, definition)
    draft_context = f"apply:{service}"
    anchor = definition.definitions[0] if isinstance(definition, MergedForm) else definition
    draft = None
    if request.method != "POST":
        draft = forms_services.load_draft(owner=user, definition=anchor, context=draft_context)
        if draft is not None:
            kept = forms_services.draft_attachments(user, definition, draft)
            company = _draft_company(draft, companies, default=company)
    if request.method == "POST" and request.POST.get("action") == "save_draft":
        kept.update(_store_uploads(request, user, definition, errors))
        forms_services.save_draft(
            owner=user,
            definition=anchor,
            context=draft_context,
            data=request.POST,
            shape=definition,
            attachments={slot: a.pk for slot, a in kept.items()},
            applying_for=company if companies else None,
            request=request,
        )
        messages.success(request, _("Your draft was saved; you can come back to it later."))
        return redirect(request.path)
    if request.method == "POST":
        key = request.POST.get("idempotency_key", "").strip()[:100]
        existing = queries.my_cases(user).filter(idempotency_key=key).first() if key else None
        if existing is not None:  # a double click: the first attempt's case
            return redirect("cases:receipt", number=existing.number)
        kept.update(_store_uploads(request, user, definition, errors))
        for slot in definition.attachments or []:
            name = upload_field_name(slot["key"])
            if slot.get("required") and slot["key"] not in kept and name not in errors:
                errors[name] = [_("Attach this document.")]
        if not errors:
            try:
                case, _new = filing.submit_case(
                    applicant=user,
                    service=service,
                    data={
                        **coerce_data(definition, request.POST),
                        "attachments": {slot: a.pk for slot, a in kept.items()},
                    },
                    idempotency_key=key,
                    company=company,
                    language=get_language(),
                    request=request,
                )
            except InvalidInput as error:
                errors.update(error.fields)
            except ServiceError as error:
                errors["__all__"] = [error.message]
            else:
                forms_services.discard_draft(
                    owner=user, definition=anchor, context=draft_context, request=request
                )
                return redirect("cases:receipt", number=case.number)
        else:
            # Show every problem at once: the answers' too, not only the files'.
            try:
                validate_data(definition, request.POST, get_language())
            except InvalidInput as error:
                errors.update(error.fields)
    # A new application starts from what the applicant's account already says.
    from_account = prefilled(definition, user) if request.method != "POST" and not draft else {}
    form_html = render_form(
        definition,
        data=request.POST if request.method == "POST" else (draft.data if draft else from_account),
        errors=errors,
        uploaded=kept,
    )
    return render(
        request,
        template,
        {
            **context,
            "form_html": form_html,
            "has_form": True,
            "idempotency_key": uuid.uuid4().hex,
            "kept": [(f"{KEEP_PREFIX}{slot}", a.pk) for slot, a in kept.items()],
            "draft": draft,
            "from_account": bool(from_account),
            "companies": companies,
            "chosen_company": company,
            "company_errors": errors.get("company", []),
        },
        status=422 if errors else 200,
    )


def _draft_company(draft: Any, companies: list[Any], *, default: str) -> str:
    """The choice of "Apply as" a draft kept, while the user still acts for that company
    (or for themself: ""); otherwise the page's default."""
    chosen = forms_services.draft_applying_for(draft)
    if chosen is None or (chosen and chosen not in {c.uscc for c in companies}):
        return default
    return chosen


def _store_uploads(
    request: HttpRequest, user: User, definition: Any, errors: dict[str, list[Any]]
) -> dict[str, Any]:
    """Store the files of this post, each checked by content; problems go to ``errors``."""
    stored: dict[str, Any] = {}
    for slot in definition.attachments or []:
        upload = request.FILES.get(upload_field_name(slot["key"]))
        if upload is None:
            continue
        try:
            stored[slot["key"]] = store_attachment(
                owner=user, definition=definition, slot=slot["key"], upload=upload, request=request
            )
        except InvalidInput as error:
            errors.update(error.fields)
    return stored


def _kept_attachments(request: HttpRequest, user: User, definition: Any) -> dict[str, Any]:
    """Uploads stored by an earlier attempt at this form, carried in hidden inputs so a
    correction does not ask for the files again."""
    wanted: dict[str, int] = {}
    for slot in definition.attachments or []:
        raw = request.POST.get(f"{KEEP_PREFIX}{slot['key']}", "")
        if raw.isdigit():
            wanted[slot["key"]] = int(raw)
    return forms_queries.owned_attachments(user, wanted)


@login_required
def apply_event(request: HttpRequest, code: str) -> HttpResponse:
    """One merged application for the items of a life event (一件事一次办)."""
    try:
        event = catalog_queries.life_event(code)
    except LifeEvent.DoesNotExist as exc:
        raise Http404 from exc
    context: dict[str, Any] = {"event": event}
    try:
        definition = queries.application_form(code)
    except LookupError:
        return render(request, "cases/apply_event.html", {**context, "has_form": False})
    return application_page(
        request,
        service=code,
        definition=definition,
        template="cases/apply_event.html",
        context=context,
        audience=event.audience,
    )


@login_required
def receipt(request: HttpRequest, number: str) -> HttpResponse:
    case = _my_case_or_404(request, number)
    return render(request, "cases/receipt.html", {"case": case})


def _my_case_or_404(request: HttpRequest, number: str) -> Case:
    try:
        return queries.my_cases(_current_user(request)).get(number=number)
    except Case.DoesNotExist as exc:
        raise Http404 from exc


# --- following cases ----------------------------------------------------------------


@login_required
def my_cases(request: HttpRequest) -> HttpResponse:
    """The user's cases a page at a time, and on the first page their drafts."""
    user = _current_user(request)
    page, shown = paging.page_by_ids(
        queries.my_cases(user), MY_CASES_PAGE_SIZE, request.GET.get("page")
    )
    drafts = queries.my_drafts(user) if page.number == 1 else []
    return render(request, "cases/my_cases.html", {"cases": shown, "page": page, "drafts": drafts})


@dataclass
class Answer:
    label: str
    value: str


@dataclass
class Step:
    title: str
    department: Any
    role: str
    at: Any
    outcome: str
    outcome_code: str
    comment: str
    note: str


@dataclass
class CaseView:
    case: Case
    answers: list[Answer]
    timeline: list[Step]
    children: list[CaseView] = field(default_factory=list)
    clock: ClockView | None = None
    clock_pending: str = ""  # a life event's item: when its time limit will start
    supplement: SupplementRequest | None = None  # the one awaited, if any
    supplement_slots: list[SlotView] = field(default_factory=list)  # its file inputs
    extensions: list[Extension] = field(default_factory=list)  # approved
    holdings: list[accountability.Holding] = field(default_factory=list)  # officers only
    where: accountability.Share | None = None
    run_wait: starting.RunWait = starting.RunWait.STARTED
    # Its files under their materials; a life event's items have theirs, its parent
    # keeps any file no item's form names.
    materials: list[Material] = field(default_factory=list)
    has_files: bool = False  # the case's or any item's


def _answers(definition: Any, data: dict[str, Any]) -> list[Answer]:
    """The answers in the form's order, with the labels the applicant saw."""
    if definition is None:
        return []
    built = build_form(definition, data=data)
    answers = []
    for section in built.sections:
        for f in section.fields:
            if f.options:
                shown = "、".join(o.label for o in f.options if o.selected)
            elif f.widget == "checkbox":
                shown = _("Yes") if f.value in ("true", "on", "1") else _("No")
            else:
                shown = f.value
            if shown:
                answers.append(Answer(f.label, shown))
    return answers


def _timeline(events: list[CaseEvent], roles: dict[int, str]) -> list[Step]:
    steps = []
    for event in events:
        role = roles.get(event.task_id or 0, "")
        steps.append(
            Step(
                title=localized_marked(event, "step") or _("Application submitted"),
                department=event.department,
                role=str(Role(role).label) if role in Role.values else "",
                at=event.at,
                outcome=notifications.outcome_label(event.outcome),
                outcome_code=event.outcome,
                comment=event.comment,
                note=event.note_for_applicant,
            )
        )
    return steps


def _case_view(case: Case, *, for_officer: bool = False) -> CaseView:
    children = list(case.children.all())
    task_ids = [
        e.task_id for c in [case, *children] for e in c.events.all() if e.task_id is not None
    ]
    roles = dict(WorkTask.objects.filter(pk__in=task_ids).values_list("pk", "role"))
    now = timezone.now()
    holdings = accountability.holdings(case, now) if for_officer else []
    supplement = queries.open_supplement(case)
    files = case_materials(case, children)
    return CaseView(
        case=case,
        answers=_answers(case.form, case.data),
        timeline=_timeline(list(case.events.all()), roles),
        children=[
            CaseView(
                case=child,
                answers=_answers(child.form, child.data),
                timeline=_timeline(list(child.events.all()), roles),
                clock=clock_view(child.clock, now),
                clock_pending=presenters.item_clock_pending(child),
                materials=files.by_item.get(child.pk, []),
            )
            for child in children
        ],
        materials=files.own,
        has_files=not files.empty,
        clock=clock_view(case.clock, now),
        supplement=supplement,
        supplement_slots=_supplement_slots(supplement),
        extensions=list(queries.extensions_of(case, approved_only=True)),
        holdings=holdings,
        where=accountability.where_time_went(holdings) if holdings else None,
        run_wait=starting.run_wait(case, now),
    )


def _supplement_slots(supplement: SupplementRequest | None) -> list[SlotView]:
    """The file inputs for the materials asked for, from the form of the case asked
    (a life event's item, when the request is about one of them)."""
    return supplement_forms.answer_form(supplement, {}, {}).slots if supplement else []


def _visible_case(request: HttpRequest, number: str) -> Case:
    try:
        case = queries.case_for(request.user, number)
    except Case.DoesNotExist as exc:
        raise Http404 from exc
    services.record_case_viewed(viewer=_current_user(request), case=case, request=request)
    return case


@login_required
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    """The case, its answers and materials and its timeline, for the applicant or an
    officer with a task on it (whose view of identity numbers is audited)."""
    return render_case_page(request, number)


def render_case_page(
    request: HttpRequest,
    number: str,
    *,
    answer: RenderedForm | None = None,
    kept: dict[str, Any] | None = None,
) -> HttpResponse:
    """The case page; with ``answer`` (``supplement_answer_form``), the applicant's
    refused answer to a supplement request shown again with its errors (422), the
    files it stored in ``kept`` (by slot) and the comment as posted."""
    case = _visible_case(request, number)
    party = permissions.is_party(request.user, case)
    view = _case_view(case, for_officer=not party)
    if answer is not None and view.supplement is not None:
        view.supplement_slots = answer.slots
    return render(
        request,
        "cases/case_detail.html",
        {
            "view": view,
            "is_applicant": party,
            "supplement_summary": answer.summary if answer else [],
            "supplement_kept": [(f"{KEEP_PREFIX}{slot}", a.pk) for slot, a in (kept or {}).items()],
            "supplement_comment": request.POST.get("comment", "") if answer else "",
        },
        status=422 if answer is not None and answer.summary else 200,
    )


# --- officers -----------------------------------------------------------------------


@dataclass
class InboxRow:
    task: WorkTask
    case: Case | None
    clock: ClockView | None  # the task's own limit, else its case's


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    user = _officer(request)
    service = request.GET.get("service", "").strip()[:40]
    status = request.GET.get("status", "")
    if status not in dict(INBOX_STATUSES):
        status = ""
    deadline = request.GET.get("deadline", "")
    if deadline not in queries.DEADLINES:
        deadline = ""
    filters = {"service": service, "status": status, "deadline": deadline}
    now = timezone.now()
    open_tasks = queries.inbox(user, service=service, status=status, deadline=deadline, now=now)
    page, tasks = paging.page_by_ids(open_tasks, INBOX_PAGE_SIZE, request.GET.get("page"))
    cases = queries.cases_by_instance([t.instance_id for t in tasks])
    rows = []
    for task in tasks:
        case = cases.get(task.instance_id)
        clock = task.clock or (case.clock if case else None)
        rows.append(InboxRow(task, case, clock_view(clock, now)))
    services = queries.inbox_services(user)
    return render(
        request,
        "cases/inbox.html",
        {
            "rows": rows,
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
            "here": request.get_full_path(),
        },
    )


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


def _task_or_404(user: User, task_id: int) -> WorkTask:
    try:
        return workflow_queries.task_for_officer(user, task_id)
    except WorkTask.DoesNotExist as exc:
        raise Http404 from exc


def _task_action(
    request: HttpRequest, task_id: int, action: Any, done: Callable[[WorkTask], str]
) -> HttpResponse:
    user = _officer(request)
    try:
        task = action(actor=user, task_id=task_id, request=request)
    except NotFound as exc:
        raise Http404 from exc
    except ServiceError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, done(task))
    return redirect(_safe_next(request, reverse("cases:task", args=[task_id])))


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
    user = _officer(request)
    task = _task_or_404(user, task_id)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            services.decide_task(
                actor=user,
                task_id=task.pk,
                outcome=request.POST.get("outcome", ""),
                comment=request.POST.get("comment", "").strip()[:2000],
                note_for_applicant=request.POST.get("note_for_applicant", "").strip()[:2000],
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
            messages.success(request, _("Your decision was recorded."))
            return redirect("cases:inbox")
    return render_task_page(request, user, task, errors=errors)


def render_task_page(
    request: HttpRequest,
    user: User,
    task: WorkTask,
    *,
    errors: dict[str, list[str]] | None = None,
    supplement_errors: dict[str, list[str]] | None = None,
) -> HttpResponse:
    """The task page; with ``errors`` the decision form, with ``supplement_errors``
    (by input name) the supplement request form, shown again as posted with its errors
    (422)."""
    errors = errors or {}
    found = queries.cases_by_instance([task.instance_id]).get(task.instance_id)
    if found is None:
        raise Http404
    case = _visible_case(request, found.number)
    open_task = task.status in (TaskStatus.READY, TaskStatus.CLAIMED)
    view = _case_view(case, for_officer=True)
    may_decide = open_task and workflow_permissions.can_complete(user, task)
    own_case = next(
        (c.case for c in view.children if c.case.department_id == task.department_id), case
    )
    asking = supplement_forms.request_form(own_case.form, request.POST, supplement_errors)
    return render(
        request,
        "cases/task.html",
        {
            "task": task,
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
            "open": open_task,
            "can_claim": workflow_permissions.can_claim(user, task),
            "can_release": workflow_permissions.can_release(user, task),
            "can_decide": open_task and workflow_permissions.can_complete(user, task),
            "outcomes": outcome_choices(workflow_queries.allowed_outcomes(task)),
            "errors": errors,
            "summary": [(name, m) for name, msgs in errors.items() for m in msgs],
            "posted": request.POST if errors else {},
        },
        status=422 if errors or asking.errors else 200,
    )
