"""Reads of cases, already scoped to what the user may see. A case out of scope raises
``Case.DoesNotExist`` exactly like an absent one."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from onewindow.cases.models import Case, CaseEvent, Notification
from onewindow.cases.permissions import applicant_filter, officer_filter
from onewindow.workflow import queries as workflow_queries
from onewindow.workflow.models import WorkTask


def _cases() -> QuerySet[Case]:
    return Case.objects.select_related("department", "company", "applicant")


def my_cases(user: Any) -> QuerySet[Case]:
    """The applicant's cases (and their companies'), newest first; children appear
    under their parent."""
    return _cases().filter(applicant_filter(user), parent__isnull=True)


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
                "children", queryset=_cases().select_related("form").prefetch_related("events")
            ),
            "attachments",
        )
        .distinct()
        .get(number=number)
    )


def notifications_of(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).select_related("case")


def inbox(user: Any, *, service: str = "", status: str = "") -> QuerySet[WorkTask]:
    """The officer's open tasks, filterable by the case's service and status."""
    tasks = workflow_queries.inbox(user)
    if service or status:
        cases = Case.objects.all()
        if service:
            cases = cases.filter(service_code=service)
        if status:
            cases = cases.filter(status=status)
        tasks = tasks.filter(instance__in=cases.values("instance"))
    return tasks


def cases_by_instance(instance_ids: list[int]) -> dict[int, Case]:
    """The case each run belongs to: the parent for a life event's shared run, else the
    one case started with it."""
    found: dict[int, Case] = {}
    for case in _cases().filter(instance__in=instance_ids).order_by("parent_id", "pk"):
        if case.instance_id is not None and (
            case.instance_id not in found or case.parent_id is None
        ):
            found[case.instance_id] = case
    return found


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
        if version.form is None:
            raise LookupError(service)
        return version.form
    try:
        event = catalog_queries.life_event(service)
    except LifeEvent.DoesNotExist:
        raise LookupError(service) from None
    forms = []
    for step in sorted(event.steps.all(), key=lambda s: s.order):
        version = step.item.published
        if version is not None and version.form is not None and version.process_id is not None:
            forms.append(version.form)
    if not forms:
        raise LookupError(service)
    return merge_definitions(forms, title=event.name, title_en=event.name_en)
