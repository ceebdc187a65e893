"""Who may do what with forms. Every check of this app is here.

Attachments are readable by their owner. Domain apps that show an attachment to
someone else (an officer handling the case it belongs to) extend that without this
platform app importing them: pass ``extra_check`` for one call, or register a check
once at start-up (``register_attachment_reader`` in their ``AppConfig.ready``).

A form's next version is for the admins of every department whose services use the
form: the catalog names them (``register_form_users``), as a process's next version is
for the admins of every department its lanes name. A form no service uses yet is open
to any department or platform admin.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from onewindow.forms.models import Attachment
from onewindow.identity.models import Department
from onewindow.identity.permissions import holds_any_role, holds_role_over
from onewindow.identity.roles import Role

ReaderCheck = Callable[[Any, Attachment], bool]
FormUsers = Callable[[str], Iterable[Department]]

DEFINITION_MANAGER_ROLES = frozenset({Role.DEPARTMENT_ADMIN, Role.PLATFORM_ADMIN})
_reader_checks: list[ReaderCheck] = []
_form_users: list[FormUsers] = []


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


def register_form_users(provider: FormUsers) -> None:
    """Add a source of the departments using a form, by its key (idempotent)."""
    if provider not in _form_users:
        _form_users.append(provider)


def departments_not_managed(actor: Any | None, key: str) -> list[Department]:
    """The departments using form ``key`` whose admin ``actor`` is not: the ones that
    keep them from publishing its next version (none for the system)."""
    if actor is None:
        return []
    using = {d.pk: d for provider in _form_users for d in provider(key)}
    return sorted(
        (d for d in using.values() if not holds_role_over(actor, d, DEFINITION_MANAGER_ROLES)),
        key=lambda department: department.path,
    )
