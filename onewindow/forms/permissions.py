"""Who may do what with forms. Every check of this app is here.

Attachments are readable by their owner. Domain apps that show an attachment to
someone else (an officer handling the case it belongs to) extend that without this
platform app importing them: pass ``extra_check`` for one call, or register a check
once at start-up (``register_attachment_reader`` in their ``AppConfig.ready``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from onewindow.forms.models import Attachment
from onewindow.identity.permissions import holds_any_role
from onewindow.identity.roles import Role

ReaderCheck = Callable[[Any, Attachment], bool]

DEFINITION_MANAGER_ROLES = frozenset({Role.DEPARTMENT_ADMIN, Role.PLATFORM_ADMIN})
_reader_checks: list[ReaderCheck] = []


def register_attachment_reader(check: ReaderCheck) -> None:
    """Add a rule granting read access to attachments (idempotent)."""
    if check not in _reader_checks:
        _reader_checks.append(check)


def unregister_attachment_reader(check: ReaderCheck) -> None:
    if check in _reader_checks:
        _reader_checks.remove(check)


def can_read_attachment(
    user: Any, attachment: Attachment, *, extra_check: ReaderCheck | None = None
) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if attachment.owner_id == user.pk:
        return True
    checks = [extra_check, *_reader_checks] if extra_check else list(_reader_checks)
    return any(check(user, attachment) for check in checks)


def can_manage_definitions(actor: Any | None) -> bool:
    """Department and platform admins publish form definitions; ``None`` is the system
    (demo seed, migrations)."""
    if actor is None:
        return True
    return bool(getattr(actor, "is_authenticated", False)) and holds_any_role(
        actor, DEFINITION_MANAGER_ROLES
    )
