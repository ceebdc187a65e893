"""Who watches time limits. Every authorization check of this app is here.

Supervisors (监督人员) watch every department under the one where they hold the role,
department leads their own departments, platform admins the whole city.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from onewindow.identity.models import Department
from onewindow.identity.permissions import officer_roots
from onewindow.identity.roles import Role

SUPERVISING_ROLES = frozenset({Role.SUPERVISOR, Role.DEPARTMENT_LEAD, Role.PLATFORM_ADMIN})


def can_supervise(user: Any) -> bool:
    return bool(officer_roots(user, SUPERVISING_ROLES))


def supervised_filter(user: Any, field: str = "department") -> Q:
    """Rows whose ``field`` (a department; ``""`` for departments themselves) the user
    supervises; nothing otherwise."""
    lookup = f"{field}__path__startswith" if field else "path__startswith"
    condition = Q(pk__in=[])
    for root in officer_roots(user, SUPERVISING_ROLES):
        condition |= Q(**{lookup: root.path})
    return condition


def supervised_departments(user: Any) -> QuerySet[Department]:
    """The departments the user supervises, in the tree's order: what the list can be
    narrowed to."""
    return Department.objects.filter(supervised_filter(user, "")).order_by("path")
