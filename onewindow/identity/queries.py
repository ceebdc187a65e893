"""Reads of identity data, already scoped to what the user may see.

Scoping lives here: an officer sees the departments where they hold a role and
everything beneath them, and nothing else. Other apps scope their own rows through
``department_scope_filter``, so "which departments may this user see" is answered
in one place for the whole platform.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from onewindow.identity.models import ApiToken, Department, LegalPerson, RoleAssignment, User
from onewindow.identity.permissions import officer_roots, sees_people_without_department
from onewindow.identity.roles import Role


def department_scope_filter(
    user: Any, field: str = "department", roles: frozenset[Role] | None = None
) -> Q:
    """A filter matching rows whose ``field`` lies in the user's departments' subtrees
    (those where they hold one of ``roles``, by default any officer role).

    Matches nothing for users without such a role.
    """
    roots = officer_roots(user, roles)
    if not roots:
        return Q(pk__in=[])
    prefix = f"{field}__path__startswith" if field else "path__startswith"
    condition = Q()
    for root in roots:
        condition |= Q(**{prefix: root.path})
    return condition


def visible_departments(user: Any) -> QuerySet[Department]:
    return Department.objects.filter(department_scope_filter(user, field=""))


def get_visible_department(user: Any, code: str) -> Department:
    """The department, or ``Department.DoesNotExist`` when it is absent *or* out of
    scope: officers must not learn that another department's object exists."""
    return visible_departments(user).get(code=code)


def public_departments() -> QuerySet[Department]:
    return Department.objects.select_related("parent")


def department_members(department: Department) -> QuerySet[RoleAssignment]:
    return (
        RoleAssignment.objects.filter(department=department)
        .select_related("user", "department")
        .order_by("user__full_name", "role", "pk")  # pk: pages that never overlap
    )


def assignment_in(department: Department, assignment_id: int) -> RoleAssignment:
    """One role held in ``department``, with its holder (``RoleAssignment.DoesNotExist``
    when absent or held elsewhere). Whether the reader may act on it is for
    ``permissions.can_grant``."""
    return RoleAssignment.objects.select_related("user", "department").get(
        pk=assignment_id, department=department
    )


def visible_user(viewer: Any, user_id: int) -> User:
    """A user the viewer may look at: themself, or someone holding a role in one of
    the viewer's departments' subtrees."""
    if viewer.pk == user_id:
        return User.objects.get(pk=user_id)
    in_scope = RoleAssignment.objects.filter(department_scope_filter(viewer))
    return User.objects.filter(pk=user_id, role_assignments__in=in_scope).distinct().get()


def assignments_seen_by(viewer: Any, user: User) -> QuerySet[RoleAssignment]:
    """The roles ``user`` holds that ``viewer`` may see: all of them for the person
    themself (as ``/me`` shows), otherwise those held in the viewer's departments and
    below, as the department pages list them. That a colleague also holds a role in a
    department out of the viewer's sight is not the viewer's to learn. A public role
    (held in no department) only to whoever has people without one in their scope."""
    held = RoleAssignment.objects.filter(user=user)
    if viewer.pk == user.pk:
        return held
    in_view = department_scope_filter(viewer)
    if sees_people_without_department(viewer):
        in_view |= Q(department__isnull=True)
    return held.filter(in_view)


def assignments_of(user: User) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(user=user).select_related(
        "department", "department__parent"
    )


def companies_represented_by(user: User) -> QuerySet[LegalPerson]:
    return LegalPerson.objects.filter(agents=user)


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def holders_over(department: Department, roles: frozenset[str]) -> QuerySet[User]:
    """Active users holding one of ``roles`` in the department or a department above
    it: those a matter of this department can be taken to (a lead, a supervisor)."""
    ancestors = [code for code in department.path.strip("/").split("/") if code]
    return (
        User.objects.filter(
            is_active=True,
            role_assignments__role__in=roles,
            role_assignments__department__code__in=ancestors,
        )
        .distinct()
        .order_by("pk")
    )


def holders_in(department: Department | int, roles: frozenset[str]) -> QuerySet[User]:
    """Active users holding one of ``roles`` in exactly this department (or its id)."""
    return (
        User.objects.filter(
            is_active=True,
            role_assignments__role__in=roles,
            role_assignments__department=department,
        )
        .distinct()
        .order_by("pk")
    )


def holders_anywhere(roles: frozenset[str]) -> QuerySet[User]:
    """Active users holding one of ``roles`` in any department."""
    return (
        User.objects.filter(is_active=True, role_assignments__role__in=roles)
        .distinct()
        .order_by("pk")
    )
