"""Who may change the working-day calendar. Every check of this app is here.

The calendar moves every deadline of every department, so only platform admins change
it. Reading it needs no permission: it is public knowledge.
"""

from __future__ import annotations

from typing import Any

from onewindow.identity.permissions import holds_any_role
from onewindow.identity.roles import Role

CALENDAR_MANAGER_ROLES = frozenset({Role.PLATFORM_ADMIN})


def can_manage_calendar(actor: Any | None) -> bool:
    """Platform admins; ``None`` is the system (demo seed, management commands)."""
    if actor is None:
        return True
    return bool(getattr(actor, "is_authenticated", False)) and holds_any_role(
        actor, CALENDAR_MANAGER_ROLES
    )
