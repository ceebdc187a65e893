"""Who may see and act on cases. Every authorization check of this app is here.

Applicants see their own cases, and a company's agents see the company's cases. An
officer who works or oversees cases (``CASE_READER_ROLES``) sees a case while one of its
tasks lies in their departments (the same scope as the task inbox). Deciding a task is
the workflow app's check (``can_work_on``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Exists, F, OuterRef, Q

from onewindow.cases import materials
from onewindow.cases.choices import RESUPPLIED, SUPPLEMENT_REQUESTED
from onewindow.cases.materials import case_materials
from onewindow.cases.models import Case, Extension
from onewindow.forms.models import Attachment
from onewindow.identity.models import LegalPerson
from onewindow.identity.permissions import (
    can_see_department,
    holds_any_role,
    holds_role_over,
)
from onewindow.identity.queries import department_scope_filter, holders_over
from onewindow.identity.roles import Role
from onewindow.workflow.models import WorkTask


def applicant_filter(user: Any) -> Q:
    """Cases the user applied for, or that one of their companies applied for."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    return Q(applicant=user) | Q(company__in=LegalPerson.objects.filter(agents=user))


# The roles whose work is cases: handling them (window, review), answering for them
# (lead), overseeing them (supervisor) and the platform's admin. A department's admin
# configures its services and roles, a data steward its data, the hotline takes calls,
# the project office measures: none of that needs an applicant's answers or files, and
# personal information law asks for the minimum necessary (ADR 0007).
CASE_READER_ROLES = frozenset(
    {
        Role.WINDOW_OFFICER,
        Role.REVIEWING_OFFICER,
        Role.DEPARTMENT_LEAD,
        Role.SUPERVISOR,
        Role.PLATFORM_ADMIN,
    }
)


def reads_cases(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and holds_any_role(
        user, CASE_READER_ROLES
    )


def _case_scope(user: Any) -> Q:
    return department_scope_filter(user, roles=CASE_READER_ROLES)


def officer_filter(user: Any) -> Q:
    """Cases with a task in one of the officer's departments; of a life event's items
    that run in the event's shared run, only those of the officer's departments (the
    run's tasks of every department would otherwise open every item, answers and all,
    which the event's own page hides: ``items_in_view``, ADR 0024)."""
    if not reads_cases(user):
        return Q(pk__in=[])
    # Correlated: the few tasks of each case are looked up by its instance. An
    # ``instance IN (tasks of the departments)`` made PostgreSQL hash every task the
    # departments ever had to read one case.
    here = WorkTask.objects.filter(_case_scope(user), instance=OuterRef("instance"))
    on_the_events_run = Q(parent__isnull=False, instance=F("parent__instance"))
    return Q(Exists(here)) & (~on_the_events_run | _case_scope(user))


def is_party(user: Any, case: Case) -> bool:
    """The applicant, or an agent of the company that applied."""
    if case.applicant_id == getattr(user, "pk", None):
        return True
    return case.company is not None and case.company.agents.filter(pk=user.pk).exists()


def can_apply_for(user: Any, company: LegalPerson | None) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return company is None or company.agents.filter(pk=user.pk).exists()


# The entries of a life event's item that an officer of another department reads only
# as having happened: that material was asked for and sent, not what or why (ADR 0024).
# The case page (``case_page.steps``) and the API (``api._withhold_supplements``) both
# withhold by it.
WITHHELD_FROM_OTHER_DEPARTMENTS = frozenset({SUPPLEMENT_REQUESTED, RESUPPLIED})


def items_in_view(user: Any, children: Sequence[Case]) -> tuple[list[Case], list[Case]]:
    """The items of a life event whose answers and files an officer reads (those of
    their departments), and the others. Each department receives the part of the
    application it needs (as the application form tells the applicant), not the other
    departments' parts; the whole event's progress stays in view."""
    seen: list[Case] = []
    hidden: list[Case] = []
    for child in children:
        mine = holds_role_over(user, child.department, CASE_READER_ROLES)
        (seen if mine else hidden).append(child)
    return seen, hidden


def officer_may_read_attachment(user: Any, attachment: Attachment) -> bool:
    """Registered with forms: officers with a task on a case may read its files; of a
    life event, the files of the items of their departments (``items_in_view``)."""
    if attachment.pk is None or not reads_cases(user):
        return False
    cases = Case.objects.filter(officer_filter(user), attachments=attachment)
    for case in cases.prefetch_related("children__department", "children__form"):
        children = list(case.children.all())
        if not children:
            return True
        seen, hidden = items_in_view(user, children)
        if materials.holds(case_materials(case, seen, hidden=hidden), attachment):
            return True
    return False


def agent_may_read_attachment(user: Any, attachment: Attachment) -> bool:
    """Registered with forms: an agent of the company a case was filed for reads the
    case's files, as they read its page (``is_party``); the agent who uploaded a file
    reads it as its owner already, the others were sent a 404 by its link."""
    if attachment.pk is None or not getattr(user, "is_authenticated", False):
        return False
    return Case.objects.filter(attachments=attachment, company__agents=user).exists()


# Who decides an extension of a time limit (延期): the department's leads, or a
# supervisor over it; never the officer who asked.
EXTENSION_DECIDER_ROLES = frozenset({Role.DEPARTMENT_LEAD, Role.SUPERVISOR})


def extension_deciders(extension: Extension) -> list[Any]:
    """Those who may decide the extension (``can_decide_extension``), to be asked."""
    department = extension.task.department
    if department is None:
        return []
    return [
        user
        for user in holders_over(department, EXTENSION_DECIDER_ROLES)
        if user.pk != extension.requested_by_id
    ]


def decides_extensions(user: Any) -> bool:
    """Whether the user decides any department's extensions: the page of requests to
    decide is theirs alone."""
    return holds_any_role(user, EXTENSION_DECIDER_ROLES)


def can_see_extension(user: Any, extension: Extension) -> bool:
    department = extension.task.department
    return department is not None and can_see_department(user, department)


def can_decide_extension(user: Any, extension: Extension) -> bool:
    department = extension.task.department
    return (
        department is not None
        and extension.requested_by_id != getattr(user, "pk", None)
        and holds_role_over(user, department, EXTENSION_DECIDER_ROLES)
    )


# Who looks after the runs that wait for a worker (filing queued, ADR 0021) and starts
# them by hand once the cause of their failed starts is fixed: the platform's admins,
# who run its workers. They see case numbers and services, not applicants.
RUN_OPERATOR_ROLES = frozenset({Role.PLATFORM_ADMIN})


def can_start_queued_runs(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and holds_any_role(
        user, RUN_OPERATOR_ROLES
    )
