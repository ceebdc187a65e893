"""Granting and revoking officers' roles (and the public roles people hold without a
department), each in one transaction with its audit record; who may is
``permissions.can_grant``'s to say."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from onewindow.audit.services import record_event, refused
from onewindow.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from onewindow.identity import permissions, queries
from onewindow.identity.models import Department, LegalPerson, RoleAssignment, User
from onewindow.identity.roles import PUBLIC_ROLES, Role

OWN_LAST_ADMIN_ROLE = _(
    "You cannot revoke your own role here: you would no longer be able to manage this "
    "department's roles. Ask another administrator."
)


def add_role(
    *,
    user: User,
    role: str,
    department: Department | None,
    actor: User | None,
    request: HttpRequest | None,
    detail: dict[str, Any] | None = None,
) -> tuple[RoleAssignment, bool]:
    """The assignment, and whether it is new: holding the role already is no change, so
    nothing is written and nothing audited. Who may grant it is not asked here: an
    administrator's grant asks first (``grant_role``); the platform's own writes (a new
    person's roles, a company's agent) need no one's leave."""
    if role not in Role.values:
        raise InvalidInput(_("Unknown role."), fields={"role": [_("Unknown role.")]})
    if (role in PUBLIC_ROLES) != (department is None):
        message = (
            _("This role is held without a department.")
            if role in PUBLIC_ROLES
            else _("An officer role is held in a department.")
        )
        raise InvalidInput(message, fields={"department": [message]})
    existing = RoleAssignment.objects.filter(user=user, role=role, department=department).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            assignment = RoleAssignment.objects.create(
                user=user,
                role=role,
                department=department,
                granted_by=actor,
            )
    except IntegrityError as exc:  # a concurrent grant of the same role
        raise Conflict(_("This role was just granted by someone else.")) from exc
    record_event(
        actor=actor,
        action="identity.role_granted",
        target=user,
        request=request,
        detail={
            "role": role,
            "department": department.code if department else None,
            **(detail or {}),
        },
    )
    permissions.forget_cached_roles(user)
    return assignment, True


@dataclass(frozen=True)
class GrantPreview:
    """What an administrator confirms before a grant: the person, the role, the roles
    they hold and the companies they act for (an officer role given to a company's agent
    is allowed, and worth a second look)."""

    person: User
    role: str
    holds: list[RoleAssignment]
    agent_of: list[LegalPerson]

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)


def grant_preview(
    *, actor: User, user: User, role: str, department: Department | None
) -> GrantPreview | None:
    """What ``grant_role`` would grant, to be confirmed first; None when it would refuse
    (the refusal is then ``grant_role``'s to make, and to audit)."""
    if _refusal(actor, user, role, department) is not None:
        return None
    return GrantPreview(
        person=user,
        role=role,
        holds=list(queries.assignments_of(user)),
        agent_of=list(queries.companies_represented_by(user)),
    )


def grant_role(
    *,
    actor: User,
    user: User,
    role: str,
    department: Department | None,
    request: HttpRequest | None = None,
) -> tuple[RoleAssignment, bool]:
    """The assignment, and whether it was granted now (False: the user held it already,
    and nothing was written)."""
    if (error := _refusal(actor, user, role, department)) is not None:
        raise refused(
            error,
            actor=actor,
            action="identity.role_granted",
            target=user,
            detail={"role": role, "department": department.code if department else None},
            request=request,
        )
    with transaction.atomic():
        return add_role(user=user, role=role, department=department, actor=actor, request=request)


def _refusal(actor: User, user: User, role: str, department: Department | None) -> Forbidden | None:
    """Why ``actor`` may not grant ``role`` in ``department`` to ``user``, if they may
    not: the one place a grant is judged, for the preview and the grant alike."""
    if not permissions.may_grant_to(actor, user):
        message = _("You may not grant a role to yourself: another administrator must.")
        return Forbidden(message, fields={"username": [message]})
    if not permissions.can_grant(actor, role, department):
        message = _("You may not grant this role here.")
        return Forbidden(message, fields={"role": [message]})
    return None


def revoke_role(
    *,
    actor: User,
    assignment_id: int,
    request: HttpRequest | None = None,
) -> None:
    with transaction.atomic():
        assignment = (
            RoleAssignment.objects.select_for_update(of=("self",))
            .select_related("user", "department")
            .filter(pk=assignment_id)
            .first()
        )
        if assignment is None or not permissions.can_grant(
            actor, assignment.role, assignment.department
        ):
            # Same answer for "absent" and "not yours": no probing of other departments.
            raise NotFound(_("No such role assignment."))
        if assignment.user_id == actor.pk:
            # One's own role: the lock on one's account row makes two such revocations
            # take turns, so neither counts on a role the other is removing.
            list(User.objects.select_for_update().filter(pk=actor.pk).values_list("pk"))
            permissions.forget_cached_roles(actor)
            if permissions.would_lock_out(actor, assignment):
                raise Conflict(OWN_LAST_ADMIN_ROLE, code="own_last_admin_role")
        user, role, department = assignment.user, assignment.role, assignment.department
        assignment.delete()
        record_event(
            actor=actor,
            action="identity.role_revoked",
            target=user,
            request=request,
            detail={"role": role, "department": department.code if department else None},
        )
    permissions.forget_cached_roles(user)
