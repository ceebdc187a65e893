"""A case's timeline entries as its page and its API show them: who made each (the
applicant's side: the applicant, or an agent of the company it was filed for, and any
answer to a supplement request; else the role the officer acted in, recorded with the
entry), and a supplement request's note in the reader's language."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from django.utils.translation import pgettext

from onewindow.cases import supplement_materials
from onewindow.cases.choices import RESUPPLIED, SUPPLEMENT_REQUESTED
from onewindow.cases.models import Case, CaseEvent, SupplementRequest
from onewindow.identity import permissions as identity_permissions
from onewindow.identity.models import Department, User
from onewindow.identity.roles import OFFICER_ROLES, Role
from onewindow.workflow.choices import Outcome
from onewindow.workflow.models import WorkTask

APPLICANT: Final = "applicant"  # the role code of an entry on the applicant's side

# Who made an entry: the applicant's side, an officer role, or nobody known.
EntryRole = Role | Literal["applicant", ""]


# --- recording ----------------------------------------------------------------------


# Whose work an outcome is, where a step's lane names no role: accepting an application
# or refusing it at the window (受理, 不予受理) is the window's; approving or refusing
# it, a reviewer's or else a lead's. An officer holding several roles in the department
# is recorded in the one the step is for, not in the first of ``Role``'s order.
_WORK_OF: Mapping[str, frozenset[Role]] = {
    Outcome.ACCEPT: frozenset({Role.WINDOW_OFFICER}),
    Outcome.NOT_ACCEPTED: frozenset({Role.WINDOW_OFFICER}),
    Outcome.APPROVE: frozenset({Role.REVIEWING_OFFICER, Role.DEPARTMENT_LEAD}),
    Outcome.REJECT: frozenset({Role.REVIEWING_OFFICER, Role.DEPARTMENT_LEAD}),
}


def step_role(task: WorkTask, actor: Any, offered: Iterable[str] = ()) -> str:
    """The role an officer acts in on a task's step: its lane's; else, of the roles they
    hold over its department, the one whose work its outcome is (a decided task's own,
    else the first of ``offered``, the step's outcomes, that tells); else any."""
    if task.role:
        return str(task.role)
    for outcome in [task.outcome] if task.outcome else offered:
        if outcome in _WORK_OF and (role := acting_role(actor, task.department, _WORK_OF[outcome])):
            return role
    return acting_role(actor, task.department)


def acting_role(
    actor: Any, department: Department | None, roles: frozenset[Role] = OFFICER_ROLES
) -> str:
    """The role of ``roles`` the actor holds over the department, as an entry records
    it ("" for none): as it was at the time, whatever is granted or revoked later."""
    return str(identity_permissions.acting_role(actor, department, roles) or "")


# --- reading ------------------------------------------------------------------------


@dataclass(frozen=True)
class Entries:
    """What showing some cases' entries takes, read once for all: who writes on the
    applicant's side, and the supplement requests their entries record, by id."""

    applicant_side: frozenset[int]
    requests: Mapping[int, SupplementRequest] = field(default_factory=dict)

    def by_applicant(self, event: CaseEvent) -> bool:
        return event.outcome == RESUPPLIED or event.actor_id in self.applicant_side

    def role(self, event: CaseEvent) -> EntryRole:
        """``APPLICANT``, the officer's recorded role, or "" where neither is known."""
        if self.by_applicant(event):
            return APPLICANT
        return Role(event.role) if event.role in Role.values else ""

    def note(self, event: CaseEvent) -> str:
        """The entry's note for the applicant; a supplement request's names the materials
        in the reader's language (the stored note, in its writer's, is kept for entries
        whose request is not at hand)."""
        request = self.requests.get(event.supplement_id) if event.supplement_id else None
        if event.outcome == SUPPLEMENT_REQUESTED and request is not None:
            return supplement_materials.items_text(request)
        return event.note_for_applicant

    def unanswered(self, event: CaseEvent) -> list[str]:
        """An answer's materials named in words that came without a file; none for
        another entry, or an answer recorded before its entries named their request."""
        request = self.requests.get(event.supplement_id) if event.supplement_id else None
        if event.outcome != RESUPPLIED or request is None:
            return []
        return supplement_materials.unanswered(request)


def entries_of(cases: Iterable[Case], requests: Iterable[SupplementRequest] = ()) -> Entries:
    """For these cases (a parent and its items) and their supplement requests: their
    applicants and the agents of the companies they were filed for (one query, for
    company cases only)."""
    cases = list(cases)
    people = {case.applicant_id for case in cases}
    companies = {case.company_id for case in cases if case.company_id is not None}
    if companies:
        agents = User.objects.filter(companies__in=companies).values_list("pk", flat=True)
        people.update(agents)
    return Entries(frozenset(people), {r.pk: r for r in requests})


def role_label(role: EntryRole, *, for_officer: bool) -> str:
    """The role in words: "the applicant" as officers (and the API) read it, "you" on
    the applicant's own page."""
    if role == APPLICANT:
        if for_officer:
            return pgettext("who made a timeline entry, as officers read it", "the applicant")
        return pgettext("who made a timeline entry, on the applicant's own page", "you")
    return role_name(role)


def role_name(role: EntryRole) -> str:
    """The role as a label of its own, as the API gives it beside its code."""
    if role == APPLICANT:
        return pgettext("who made a timeline entry, as a label", "Applicant")
    return str(role.label) if isinstance(role, Role) else ""
