"""Reads of cases, already scoped to what the user may see. A case out of scope raises
``Case.DoesNotExist`` exactly like an absent one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Case as Choice
from django.db.models import Expression, F, OuterRef, Prefetch, Q, QuerySet, Subquery, When
from django.utils import timezone

from onewindow.cases.choices import DEADLINES, ExtensionStatus
from onewindow.cases.models import Case, CaseEvent, Extension, SupplementRequest
from onewindow.cases.permissions import applicant_filter, can_decide_extension, officer_filter
from onewindow.catalog import queries as catalog_queries
from onewindow.catalog.models import LifeEvent, ServiceItem
from onewindow.forms import queries as forms_queries
from onewindow.forms.models import Attachment
from onewindow.identity.queries import department_scope_filter
from onewindow.workflow import queries as workflow_queries
from onewindow.workflow.choices import OPEN_TASK_STATUSES, ClockState, TaskStatus
from onewindow.workflow.models import WorkTask


def _cases() -> QuerySet[Case]:
    return Case.objects.select_related("department", "company", "applicant", "clock")


def _children() -> QuerySet[Case]:
    """A life event's items in the order they were filed: the event's order."""
    return _cases().order_by("pk")


def my_cases(user: Any) -> QuerySet[Case]:
    """The applicant's cases (and their companies'), newest first; children appear
    under their parent."""
    return (
        _cases()
        .filter(applicant_filter(user), parent__isnull=True)
        .prefetch_related(Prefetch("children", queryset=_children()))
    )


# How ``application_views.application_page`` keys an application's draft:
# "apply:<service>", the service being an item's code or a life event's.
APPLICATION_DRAFT_PREFIX = "apply:"


@dataclass(frozen=True)
class ApplicationDraft:
    """An application kept with "Save and continue later", not filed yet."""

    code: str  # the item's or the life event's, as its apply page takes it
    name: str
    name_en: str
    life_event: bool
    saved_at: datetime


def my_drafts(user: Any) -> list[ApplicationDraft]:
    """The user's own application drafts, last saved first, named by their service or
    life event: three reads however many. A draft of a service no longer published has
    no page to continue it on and is left out."""
    from onewindow.catalog import queries as catalog_queries

    saved = list(
        forms_queries.drafts_of(user)
        .filter(context__startswith=APPLICATION_DRAFT_PREFIX)
        .order_by("-updated_at", "-pk")
        .values_list("context", "updated_at")
    )
    if not saved:
        return []
    codes = {context.removeprefix(APPLICATION_DRAFT_PREFIX) for context, _at in saved}
    items = {
        code: (name, name_en, False)
        for code, name, name_en in catalog_queries.published_items()
        .filter(code__in=codes)
        .values_list("code", "published__name", "published__name_en")
    }
    events: dict[str, tuple[str, str, bool]] = {}
    if codes - items.keys():
        events = {
            code: (name, name_en, True)
            for code, name, name_en in catalog_queries.life_events()
            .prefetch_related(None)
            .filter(code__in=codes - items.keys())
            .values_list("code", "name", "name_en")
        }
    named = {**events, **items}
    drafts = []
    for context, at in saved:
        code = context.removeprefix(APPLICATION_DRAFT_PREFIX)
        if code in named:
            name, name_en, life_event = named[code]
            drafts.append(ApplicationDraft(code, name, name_en, life_event, at))
    return drafts


def case_for(user: Any, number: str) -> Case:
    """A case the user may see, with its timeline and children."""
    events = CaseEvent.objects.select_related("department", "actor")
    return (
        _cases()
        .select_related("form")
        .filter(applicant_filter(user) | officer_filter(user))
        .prefetch_related(
            Prefetch("events", queryset=events),
            Prefetch(
                "children", queryset=_children().select_related("form").prefetch_related("events")
            ),
            "attachments",
        )
        .get(number=number)
    )


def _deadline_filter(deadline: str, now: datetime) -> Q:
    """Tasks by how their time stands: the task's own clock when its step has a limit,
    else its case's clock."""
    if deadline == "supplement":
        return Q(status=TaskStatus.SUSPENDED)
    running = {"clock__state": ClockState.RUNNING}
    if deadline == "overdue":
        window = {"clock__due_at__lte": now}
    elif deadline == "due_soon":
        window = {"clock__warn_at__lte": now, "clock__due_at__gt": now}
    else:
        window = {"clock__warn_at__gt": now}
    by_case = Case.objects.filter(**running, **window).values("instance")
    return Q(**running, **window) | Q(clock__isnull=True, instance__in=by_case)


def inbox(
    user: Any,
    *,
    service: str = "",
    status: str = "",
    deadline: str = "",
    mine: bool = False,
    order: str = "oldest",
    now: datetime | None = None,
) -> QuerySet[WorkTask]:
    """The officer's open tasks, filterable by the case's service and status, by
    deadline (overdue, due soon, on track, waiting for a supplement) and to those the
    officer claimed (``mine``: their own work, among a department's hundreds); oldest
    first, or as ``order`` says (``INBOX_ORDERS``)."""
    tasks = workflow_queries.inbox(user)
    if order == "newest":
        tasks = tasks.order_by("-created_at", "-pk")
    elif order == "last_day":
        tasks = tasks.alias(last_day=_last_day()).order_by(
            F("last_day").asc(nulls_last=True), "created_at", "pk"
        )
    if mine:
        tasks = tasks.filter(claimed_by=user)
    if service or status:
        cases = Case.objects.all()
        if service:
            cases = cases.filter(service_code=service)
        if status:
            cases = cases.filter(status=status)
        tasks = tasks.filter(instance__in=cases.values("instance"))
    if deadline in DEADLINES:
        tasks = tasks.filter(_deadline_filter(deadline, now or timezone.now()))
    return tasks


def _last_day() -> Expression:
    """When a task's time runs out, as its row shows it: its step's clock, else its
    case's (a life event's shared run: the event's); none while a clock is paused for a
    supplement or stopped, nor for a step without a limit (those come last)."""
    running = ClockState.RUNNING
    case_clock = (
        Case.objects.filter(instance=OuterRef("instance"))
        .order_by(F("parent_id").asc(nulls_first=True), "pk")
        .annotate(due=Choice(When(clock__state=running, then=F("clock__due_at"))))
        .values("due")[:1]
    )
    return Choice(
        When(clock__isnull=True, then=Subquery(case_clock)),
        When(clock__state=running, then=F("clock__due_at")),
        default=None,
    )


def is_known_service(code: str) -> bool:
    """Whether ``code`` is a service item's or a life event's, published or not (the
    cases filed under a service outlive its guide)."""
    return (
        ServiceItem.objects.filter(code=code).exists()
        or LifeEvent.objects.filter(code=code).exists()
    )


def inbox_services(user: Any) -> list[dict[str, Any]]:
    """The services of the cases in the officer's inbox, by code, for its filter: an
    officer picks a service by name rather than typing its item code. One read."""
    runs = workflow_queries.inbox(user).order_by().values("instance")
    rows = (
        # A life event's shared run also holds other departments' items: not theirs.
        Case.objects.filter(instance__in=runs)
        .filter(Q(parent__isnull=True) | department_scope_filter(user))
        .annotate(life_event=catalog_queries.is_life_event("service_code"))
        .order_by("service_code", "service_name")
        .values_list("service_code", "service_name", "service_name_en", "life_event")
        .distinct()
    )
    # A service renamed while cases filed under its old name are open: one entry.
    found: dict[str, dict[str, Any]] = {}
    for code, name, name_en, life_event in rows:
        found.setdefault(
            code,
            {
                "service_code": code,
                "service_name": name,
                "service_name_en": name_en,
                "life_event": life_event,
            },
        )
    return list(found.values())


def supplements_of(case: Case) -> QuerySet[SupplementRequest]:
    """The case's supplement requests and its items', oldest first: at most one of each
    case open (a constraint)."""
    return (
        SupplementRequest.objects.filter(Q(case=case) | Q(case__parent=case))
        .select_related("case", "case__form", "task__department", "requested_by")
        .prefetch_related(Prefetch("answer_attachments", Attachment.objects.only("slot")))
    )


def extensions_of(case: Case, *, approved_only: bool) -> QuerySet[Extension]:
    scope = Q(case=case) | Q(case__parent=case)
    if case.parent_id is not None and case.instance_id is not None:
        # An item on its event's shared run: its department's steps' extensions, which
        # are recorded on the event.
        scope |= Q(
            case_id=case.parent_id,
            task__instance_id=case.instance_id,
            task__department_id=case.department_id,
        )
    found = Extension.objects.filter(scope).select_related(
        "task__department", "requested_by", "decided_by", "case__clock"
    )
    return found.filter(status=ExtensionStatus.APPROVED) if approved_only else found


def pending_extensions_of(task: WorkTask) -> QuerySet[Extension]:
    """The request awaiting approval on a step (at most one: a database constraint)."""
    return Extension.objects.filter(task=task, status=ExtensionStatus.PENDING)


def refused_extensions_of(task: WorkTask) -> QuerySet[Extension]:
    """The requests a lead refused on a step, with their reasons, oldest first: the
    refusal is part of the step's record (the officer asking again reads why not)."""
    refused = Extension.objects.filter(task=task, status=ExtensionStatus.REFUSED)
    return refused.select_related("decided_by").order_by("decided_at", "pk")


def _extensions_in_scope(user: Any) -> QuerySet[Extension]:
    return Extension.objects.filter(
        department_scope_filter(user, field="task__department")
    ).select_related(
        # The clocks: a pending request shows the dates it would move (``dates_if_approved``).
        "case__clock",
        "task__department",
        "task__clock",
        "requested_by",
        "decided_by",
    )


def extensions_to_decide(user: Any) -> list[Extension]:
    # A step that closed another way than a decision (the process moved on) leaves its
    # request pending but with nothing to extend: not shown.
    pending = _extensions_in_scope(user).filter(
        status=ExtensionStatus.PENDING, task__status__in=OPEN_TASK_STATUSES
    )
    return [e for e in pending.order_by("requested_at") if can_decide_extension(user, e)]


def recent_extensions(user: Any) -> QuerySet[Extension]:
    return (
        _extensions_in_scope(user)
        .exclude(status=ExtensionStatus.PENDING)
        .order_by("-decided_at")[:50]
    )


def cases_by_instance(instance_ids: list[int]) -> dict[int, Case]:
    """The case each run belongs to: the parent for a life event's shared run, else the
    one case started with it."""
    return cases_and_items(instance_ids)[0]


def cases_and_items(
    instance_ids: list[int],
) -> tuple[dict[int, Case], dict[tuple[int, int], Case]]:
    """``cases_by_instance``, and the items of life events' shared runs by run and
    department (a task's item is the one of its department), in one read."""
    found: dict[int, Case] = {}
    items: dict[tuple[int, int], Case] = {}
    for case in _cases().filter(instance__any=instance_ids).order_by("parent_id", "pk"):
        if case.instance_id is None:
            continue
        if case.instance_id not in found or case.parent_id is None:
            found[case.instance_id] = case
        if case.parent_id is not None:
            items.setdefault((case.instance_id, case.department_id), case)
    return found, items


def application_form(service: str) -> Any:
    """The form of an item's applications, or a life event's merged form
    (``LookupError`` if the service takes no online applications)."""
    from onewindow.catalog import queries as catalog_queries
    from onewindow.catalog.models import LifeEvent, ServiceItemVersion
    from onewindow.forms.merge import merge_definitions

    try:
        version = catalog_queries.application_version(service)
    except ServiceItemVersion.DoesNotExist:
        version = None
    if version is not None:
        # What filing accepts (``catalog.queries.takes_applications``): a form and a process.
        if not catalog_queries.takes_applications(version) or version.form is None:
            raise LookupError(service)
        return version.form
    try:
        event = catalog_queries.life_event(service)
    except LifeEvent.DoesNotExist:
        raise LookupError(service) from None
    forms = [form for _version, form in catalog_queries.applying_parts(event)]
    if not forms:
        raise LookupError(service)
    return merge_definitions(forms, title=event.name, title_en=event.name_en)
