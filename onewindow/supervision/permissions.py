"""Who watches time limits. Every authorization check of this app is here.

Supervisors (监督人员) watch every department under the one where they hold the role,
department leads their own departments, platform admins the whole city.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from onewindow.identity.permissions import officer_roots
from onewindow.identity.roles import Role

SUPERVISING_ROLES = frozenset({Role.SUPERVISOR, Role.DEPARTMENT_LEAD, Role.PLATFORM_ADMIN})


def can_supervise(user: Any) -> bool:
    return bool(officer_roots(user, SUPERVISING_ROLES))


def supervised_filter(user: Any, field: str = "department") -> Q:
    """Rows whose ``field`` (a department) the user supervises; nothing otherwise."""
    condition = Q(pk__in=[])
    for root in officer_roots(user, SUPERVISING_ROLES):
        condition |= Q(**{f"{field}__path__startswith": root.path})
    return condition
