"""Who made each entry of a case's timeline, for its page and its API: the applicant's
side (the applicant, or an agent of the company it was filed for; any answer to a
supplement request), else the role the officer acted in, recorded with the entry."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final, Literal

from django.utils.translation import pgettext

from onewindow.cases.choices import RESUPPLIED
from onewindow.cases.models import Case, CaseEvent
from onewindow.identity import permissions as identity_permissions
from onewindow.identity.models import Department, User
from onewindow.identity.roles import OFFICER_ROLES, Role
from onewindow.workflow.models import WorkTask

APPLICANT: Final = "applicant"  # the role code of an entry on the applicant's side

# Who made an entry: the applicant's side, an officer role, or nobody known.
EntryRole = Role | Literal["applicant", ""]


# --- recording ----------------------------------------------------------------------


def step_role(task: WorkTask, actor: Any) -> str:
    """The role an officer decides a task's step in: its lane's, else the one they hold
    over its department."""
    return str(task.role) if task.role else acting_role(actor, task.department)


def acting_role(
    actor: Any, department: Department | None, roles: frozenset[Role] = OFFICER_ROLES
) -> str:
    """The role of ``roles`` the actor holds over the department, as an entry records
    it ("" for none): as it was at the time, whatever is granted or revoked later."""
    return str(identity_permissions.acting_role(actor, department, roles) or "")


# --- reading ------------------------------------------------------------------------


@dataclass(frozen=True)
class Authors:
    """Who writes on the applicant's side of some cases, read once for all."""

    applicant_side: frozenset[int]

    def by_applicant(self, event: CaseEvent) -> bool:
        return event.outcome == RESUPPLIED or event.actor_id in self.applicant_side

    def role(self, event: CaseEvent) -> EntryRole:
        """``APPLICANT``, the officer's recorded role, or "" where neither is known."""
        if self.by_applicant(event):
            return APPLICANT
        return Role(event.role) if event.role in Role.values else ""


def authors(cases: Iterable[Case]) -> Authors:
    """For these cases (a parent and its items): their applicants and the agents of the
    companies they were filed for (one query, for company cases only)."""
    cases = list(cases)
    people = {case.applicant_id for case in cases}
    companies = {case.company_id for case in cases if case.company_id is not None}
    if companies:
        agents = User.objects.filter(companies__in=companies).values_list("pk", flat=True)
        people.update(agents)
    return Authors(frozenset(people))


def role_label(role: EntryRole, *, for_officer: bool) -> str:
    """The role in words: "the applicant" as officers (and the API) read it, "you" on
    the applicant's own page."""
    if role == APPLICANT:
        if for_officer:
            return pgettext("who made a timeline entry, as officers read it", "the applicant")
        return pgettext("who made a timeline entry, on the applicant's own page", "you")
    return str(role.label) if isinstance(role, Role) else ""
