"""Who may do what in identity. Every check of this app is here, and views, API and
services ask these functions instead of testing roles themselves."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Exists

from onewindow.identity.models import Department, RoleAssignment, User
from onewindow.identity.roles import (
    CITY_LEVEL_ROLES,
    IDENTITY_ENTITLED_ROLES,
    OFFICER_ROLES,
    PUBLIC_ROLES,
    ROLE_MANAGER_ROLES,
    Role,
)

_PLATFORM_ADMIN = frozenset({Role.PLATFORM_ADMIN})


def _assignments(user: Any) -> list[RoleAssignment]:
    # Cached per user object: permission checks run several times per request.
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_onewindow_assignments", None)
    if cached is None:
        cached = list(RoleAssignment.objects.filter(user=user).select_related("department"))
        user._onewindow_assignments = cached
    return cached


def forget_cached_roles(user: Any) -> None:
    if hasattr(user, "_onewindow_assignments"):
        del user._onewindow_assignments


def roles_of(user: Any) -> set[str]:
    return {a.role for a in _assignments(user)}


def is_officer(user: Any) -> bool:
    return any(a.role in OFFICER_ROLES for a in _assignments(user))


def needs_second_factor(user: Any, *, holds_officer_role: bool | None = None) -> bool:
    """Officers, and staff who can reach Django's admin, act only after a second factor.
    ``holds_officer_role``, when the caller's query already answered it
    (``officer_role_held``), spares reading the user's roles."""
    if getattr(user, "is_staff", False) or getattr(user, "is_superuser", False):
        return True
    return is_officer(user) if holds_officer_role is None else holds_officer_role


def awaits_second_factor(user: Any) -> bool:
    """Signed in, but not yet through the second factor the account needs: every page
    but the 2FA ones sends them there (``middleware``), and the header offers none."""
    return (
        bool(getattr(user, "is_authenticated", False))
        and needs_second_factor(user)
        # is_verified is added by django-otp's middleware; without it, nothing to wait on.
        and not getattr(user, "is_verified", lambda: True)()
    )


def officer_role_held(user: Any) -> Exists:
    """For a query: whether ``user`` (an ``OuterRef``) holds an officer role anywhere,
    as ``is_officer`` would answer."""
    return Exists(RoleAssignment.objects.filter(user=user, role__in=OFFICER_ROLES))


def officer_roots(user: Any, roles: frozenset[Role] | None = None) -> list[Department]:
    """Departments where the user holds an officer role (optionally one of ``roles``)."""
    wanted = roles or OFFICER_ROLES
    return [a.department for a in _assignments(user) if a.role in wanted and a.department]


def _covers(roots: list[Department], department: Department) -> bool:
    return any(department.is_within(root) for root in roots)


def holds_role_over(user: Any, department: Department, roles: frozenset[Role]) -> bool:
    """Whether the user holds one of ``roles`` in the department or one above it."""
    return _covers(officer_roots(user, roles), department)


def acting_role(
    user: Any, department: Department | None, roles: frozenset[Role] = OFFICER_ROLES
) -> Role | None:
    """The role, of ``roles``, in which the user acts on the department's work: held in
    the department itself before one held above it, then in ``Role``'s order; None for
    none. What a timeline records of who decided a step whose lane names no role."""
    acting = acting_as(user, department, roles)
    return acting[0] if acting else None


def acting_as(
    user: Any, department: Department | None, roles: frozenset[Role] = OFFICER_ROLES
) -> tuple[Role, Department] | None:
    """``acting_role``'s role with the department it is held in: the department itself,
    or one above it (a city's supervisor deciding a bureau's extension)."""
    if department is None:
        return None
    held = [
        (len(a.department.path), list(Role).index(Role(a.role)), Role(a.role), a.department)
        for a in _assignments(user)
        if a.role in roles and a.department and department.is_within(a.department)
    ]
    # The nearest department (the longest path) first.
    held.sort(key=lambda found: (-found[0], found[1]))
    return (held[0][2], held[0][3]) if held else None


def holds_any_role(user: Any, roles: frozenset[Role]) -> bool:
    return bool(officer_roots(user, roles))


def reads_audit_trail(user: Any) -> bool:
    """The platform admins and the city's supervisors read the audit trail (in the admin
    site): the trail is the whole city's, so only a role held at the root of the tree
    reads it. A supervisor in a department watches that department's time limits (only
    a platform admin makes one, ``can_grant``), and does not thereby read the city's
    trail."""
    readers = frozenset({Role.PLATFORM_ADMIN, Role.SUPERVISOR})
    return any(root.parent_id is None for root in officer_roots(user, readers))


def can_see_department(user: Any, department: Department) -> bool:
    return _covers(officer_roots(user), department)


def can_manage_roles_in(user: Any, department: Department | None) -> bool:
    if department is None:
        # Public roles (citizen, company agent) are the platform admin's to change.
        return bool(officer_roots(user, _PLATFORM_ADMIN))
    return _covers(officer_roots(user, ROLE_MANAGER_ROLES), department)


def can_grant(user: Any, role: str, department: Department | None) -> bool:
    """Whether ``user`` may grant (and so revoke) ``role`` in ``department``. A city-level
    role (``roles.CITY_LEVEL_ROLES``: supervisor, hotline agent, project office, platform
    admin) only by a platform admin over the department: a department's admin giving one
    would let the department choose who watches it."""
    if role in PUBLIC_ROLES or department is None:
        # Roles held in no department are the platform admin's (``add_role`` refuses an
        # officer role held there, saying why).
        return can_manage_roles_in(user, None)
    if role in CITY_LEVEL_ROLES:
        return holds_role_over(user, department, _PLATFORM_ADMIN)
    return can_manage_roles_in(user, department)


def offers_revoke(user: Any, assignment: RoleAssignment) -> bool:
    """Whether a list of a department's roles offers ``user`` to revoke ``assignment``:
    one they may grant (``can_grant``), and not their own last role that lets them manage
    the department's roles (``would_lock_out``)."""
    return can_grant(user, assignment.role, assignment.department) and not would_lock_out(
        user, assignment
    )


def may_grant_to(actor: Any, user: Any) -> bool:
    """Nobody grants a role to themselves (separation of duties: another administrator
    decides what an administrator may do)."""
    return bool(actor.pk != user.pk)


def may_reset_two_factor(actor: Any, user: Any, held: Iterable[RoleAssignment]) -> bool:
    """Whether ``actor`` may reset ``user``'s second factor, ``held`` being the roles
    ``user`` holds: never their own (another administrator checks it is really them,
    as ``may_grant_to``), and only if the actor may grant every officer role ``user``
    holds (``can_grant``). A reset lets whoever knows the password enrol a new device,
    so it is for an administrator answerable for all that the account may do: a
    department admin does not reset a platform admin, nor an officer who also works in
    a department outside their subtree. Staff, who reach Django's admin site, only a
    platform admin at the city's root."""
    if not may_grant_to(actor, user):
        return False
    staff = getattr(user, "is_staff", False) or getattr(user, "is_superuser", False)
    if staff and not sees_people_without_department(actor):
        return False
    officer = [a for a in held if a.role in OFFICER_ROLES]
    return bool(officer) and all(can_grant(actor, a.role, a.department) for a in officer)


def grantable_roles(user: Any, department: Department) -> list[Role]:
    """The officer roles the user may grant in ``department``, in the order of ``Role``:
    what a grant form offers. ``can_grant`` still decides each grant."""
    return [role for role in Role if role not in PUBLIC_ROLES and can_grant(user, role, department)]


def would_lock_out(user: Any, assignment: RoleAssignment) -> bool:
    """Whether revoking ``assignment`` would leave ``user``, who holds it, unable to
    manage roles in its department: an administrator removing their own last role that
    allows it there. Refused, as no one else may be left to give it back."""
    department = assignment.department
    if (
        assignment.user_id != getattr(user, "pk", None)
        or assignment.role not in ROLE_MANAGER_ROLES
        or department is None
    ):
        return False
    remaining = [
        a.department
        for a in _assignments(user)
        if a.pk != assignment.pk and a.role in ROLE_MANAGER_ROLES and a.department
    ]
    return not _covers(remaining, department)


def sees_people_without_department(viewer: Any) -> bool:
    """Citizens and company agents belong to no department, so only someone whose scope
    is the whole city has them in it: a platform admin at the city's root."""
    return any(root.parent_id is None for root in officer_roots(viewer, _PLATFORM_ADMIN))


def can_view_identity_number(viewer: Any, subject: User) -> bool:
    """The person themself; otherwise an entitled role whose departments cover one of
    the subject's departments; a platform admin at the city root sees everyone."""
    if not getattr(viewer, "is_authenticated", False):
        return False
    if viewer.pk == subject.pk:
        return True
    roots = officer_roots(viewer, IDENTITY_ENTITLED_ROLES)
    if not roots:
        return False
    if sees_people_without_department(viewer):
        return True
    return any(
        a.department is not None and _covers(roots, a.department) for a in _assignments(subject)
    )
