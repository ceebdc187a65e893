"""Setting up a fresh installation (``manage.py bootstrap_city``): the city's department
tree from a file, and its first platform admin.

The demo loaders (``load_demo_city``…) must never run in production, Django's admin
manages neither departments nor roles, and ``createsuperuser`` makes an account with no
role and no audit record: this is the supported way. Everything it writes is audited
with the system as the actor (``actor=None``) and the server account that ran it.

- **Departments** are read from a JSON or CSV file (``read_departments``) and checked
  as a whole before anything is written: every problem of the file is reported with its
  position (``TreeRejected``). A department in the file and in the database alike is
  compared field by field; a changed field is updated and audited, an unchanged one is
  left alone, so loading the same file again changes nothing. Nothing is ever deleted,
  and nothing is moved: a department under another parent than the file's is a problem,
  since moving one changes who sees its work (scoping reads the tree).
- **The platform admin** is created (or found) and granted ``platform_admin`` at the
  root of the tree, through ``services.create_person`` and ``assignments.add_role``.
  A second platform admin is a decision, not an accident: refused unless asked for.

The departments and the admin are written in one transaction: a refusal of either
leaves the database as it was.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.functional import Promise

from onewindow.audit.services import record_event
from onewindow.core.errors import Conflict, InvalidInput
from onewindow.identity import assignments, services, two_factor
from onewindow.identity.department_plan import TreePlan, plan_tree
from onewindow.identity.department_tree import DESCRIBED, DepartmentFile
from onewindow.identity.models import Department, RoleAssignment, User
from onewindow.identity.roles import Role

ADMIN_ROLE = Role.PLATFORM_ADMIN


# --- the platform admin ---------------------------------------------------------------


@dataclass(frozen=True)
class AdminRequest:
    """The person to make platform admin. The details and the password are used only
    when no account has ``username`` yet."""

    username: str
    full_name: str = ""
    email: str = ""
    id_number: str = ""
    phone: str = ""
    password: str = field(default="", repr=False)
    # A second platform admin, when another holds the role already.
    add_admin: bool = False
    # The account with ``username`` exists already and is the person's.
    existing_account: bool = False


def check_admin(request: AdminRequest) -> bool:
    """Whether granting would be refused (raised: ``Conflict`` or ``InvalidInput``), and,
    if not, whether the account is new and so needs a password. Run before asking for
    the password, and again where the grant is made."""
    account = User.objects.filter(username=request.username).first()
    if account is not None and _holds_admin_at_root(account):
        return False  # nothing to do: a second run of the same command
    others = list(
        RoleAssignment.objects.filter(role=ADMIN_ROLE)
        .exclude(user__username=request.username)
        .values_list("user__username", flat=True)
        .distinct()
        .order_by("user__username")
    )
    if others and not request.add_admin:
        raise Conflict(
            f"A platform admin exists already: {', '.join(others)}. A second one is a "
            "decision, not an accident: that admin grants the role on the root "
            "department's page (recorded as theirs), or run again with --add-admin.",
            code="platform_admin_exists",
        )
    if account is not None:
        if not request.existing_account:
            raise Conflict(
                f"An account named {request.username} exists already ({account.full_name}, "
                f"{account.email or 'no email'}, since {account.date_joined:%Y-%m-%d}). If it "
                "is the person's, run again with --existing-account; otherwise choose "
                "another user name.",
                code="account_exists",
            )
        return False
    problems = _new_account_problems(request)
    if problems:
        raise InvalidInput("The platform admin's details have problems.", fields=problems)
    return True


def _new_account_problems(request: AdminRequest) -> dict[str, list[str | Promise]]:
    """What is wrong with a new account's details, but its password (asked afterwards)."""
    problems = services.registration_errors(
        username=request.username,
        password="",
        full_name=request.full_name,
        id_number=request.id_number,
        phone=request.phone,
        email=request.email,
    )
    problems.pop("password", None)
    if not request.id_number:
        # A citizen registering needs one; an account made for an officer does not.
        problems.pop("id_number", None)
    if not request.email.strip():
        problems.setdefault("email", []).append(
            "Give an email address: password reset links and lockout notices go there."
        )
    return problems


def password_problems(request: AdminRequest, password: str) -> list[str]:
    """What the site's password rules say of ``password`` for the new account."""
    candidate = User(
        username=request.username, full_name=request.full_name.strip(), email=request.email
    )
    found = services.new_password_problems(user=candidate, password=password)
    return [str(message) for messages in found.fields.values() for message in messages]


def _holds_admin_at_root(user: User) -> bool:
    return RoleAssignment.objects.filter(
        user=user, role=ADMIN_ROLE, department__parent__isnull=True
    ).exists()


# --- the whole of it ----------------------------------------------------------------


@dataclass
class BootstrapReport:
    created: list[Department] = field(default_factory=list)
    updated: list[tuple[Department, dict[str, tuple[str, str]]]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # "created" (a new account, granted the role), "granted" (an existing account),
    # "unchanged" (held it already), or "" (no admin asked for).
    admin: str = ""
    admin_user: User | None = None
    # Whether the admin has an authenticator already (an existing account's).
    admin_enrolled: bool = False
    root: Department | None = None
    dry_run: bool = False


def preflight(*, departments: DepartmentFile | None, admin: AdminRequest | None) -> bool:
    """Check what a run would refuse, writing nothing, before a password is asked for:
    the file (``TreeRejected``), a tree for the admin's role, and the admin
    (``check_admin``). Whether the admin's account is new and needs a password."""
    if departments is not None:
        plan_tree(departments)
    if admin is None:
        return False
    if departments is None:
        _root()
    return check_admin(admin)


def bootstrap_city(
    *,
    departments: DepartmentFile | None = None,
    admin: AdminRequest | None = None,
    dry_run: bool = False,
) -> BootstrapReport:
    """Load the department tree and grant the platform admin, in one transaction; with
    ``dry_run``, everything is checked and done, then rolled back."""
    report = BootstrapReport(dry_run=dry_run)
    shell_user = _shell_user()
    with transaction.atomic():
        if departments is not None:
            _load_tree(plan_tree(departments), report, shell_user)
        if admin is not None:
            _grant_admin(admin, report, shell_user)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _load_tree(plan: TreePlan, report: BootstrapReport, shell_user: str) -> None:
    parents = {
        d.code: d
        for d in Department.objects.filter(
            code__in={row.parent for row in plan.create if row.parent}
        )
    }
    for row in plan.create:
        department = Department(
            code=row.code,
            parent=parents[row.parent] if row.parent else None,
            **{name: row.values.get(name, "") for name in DESCRIBED},
        )
        department.save()
        parents[department.code] = department
        record_event(
            actor=None,
            action="identity.department_created",
            target=department,
            detail={
                "code": department.code,
                "parent": row.parent or None,
                **{name: getattr(department, name) for name in DESCRIBED},
                "shell_user": shell_user,
            },
        )
        report.created.append(department)
    for row, changed in plan.update:
        department = Department.objects.get(code=row.code)
        for name, (_stored, value) in changed.items():
            setattr(department, name, value)
        department.save(update_fields=sorted(changed))
        record_event(
            actor=None,
            action="identity.department_updated",
            target=department,
            detail={
                "code": department.code,
                "changed": {name: {"from": old, "to": new} for name, (old, new) in changed.items()},
                "shell_user": shell_user,
            },
        )
        report.updated.append((department, changed))
    report.unchanged = plan.unchanged


def _grant_admin(request: AdminRequest, report: BootstrapReport, shell_user: str) -> None:
    root = report.root = _root()
    new_account = check_admin(request)
    account = User.objects.filter(username=request.username).first()
    if new_account:
        report.admin_user = services.create_person(
            username=request.username,
            password=request.password,
            full_name=request.full_name,
            id_number=request.id_number or None,
            phone=request.phone,
            email=request.email,
            roles=[(ADMIN_ROLE, root)],
            # The system, as for the departments: not the new admin, whom the audit
            # trail would otherwise name as the creator of their own account.
            system_detail={"shell_user": shell_user},
        )
        report.admin = "created"
    elif account is not None and not _holds_admin_at_root(account):
        assignments.add_role(
            user=account,
            role=ADMIN_ROLE,
            department=root,
            actor=None,
            request=None,
            detail={"shell_user": shell_user},
        )
        report.admin, report.admin_user = "granted", account
    else:
        report.admin, report.admin_user = "unchanged", account
    if account is not None:
        report.admin_enrolled = two_factor.confirmed_device(account) is not None


def _root() -> Department:
    root = Department.objects.filter(parent=None).first()
    if root is None:
        raise InvalidInput(
            "There is no department tree yet: load it with --departments (in the same run "
            "or before)."
        )
    return root


def _shell_user() -> str:
    """The server account running the command, for the audit records' detail (the
    system is their actor). Empty where the process has no name (a container's
    numeric user)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""
