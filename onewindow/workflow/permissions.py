"""Who may do what in the workflow app. Views, API and services ask these functions.

A task belongs to its lane's department. Window and reviewing officers holding their
role in that department, or in a department above it, work on it; when the lane also
names a role (``310000-GA/window_officer``), only holders of that role do. Department
admins and platform admins manage; they do not decide cases.
"""

from __future__ import annotations

from typing import Any

from onewindow.identity.models import Department
from onewindow.identity.permissions import holds_any_role, holds_role_over
from onewindow.identity.roles import CASEWORK_ROLES, Role
from onewindow.workflow.choices import TaskStatus
from onewindow.workflow.models import WorkTask

DEFINITION_MANAGER_ROLES = frozenset({Role.DEPARTMENT_ADMIN, Role.PLATFORM_ADMIN})


def lane_roles(role: str) -> frozenset[Role]:
    """The roles that may work a task whose lane names ``role`` (none: any casework)."""
    return frozenset({Role(role)}) if role else CASEWORK_ROLES


def task_roles(task: WorkTask) -> frozenset[Role]:
    return lane_roles(task.role)


def can_work_on(user: Any, task: WorkTask) -> bool:
    """Whether the user is one of the officers the task's lane designates."""
    if task.department is None:
        return False
    return holds_role_over(user, task.department, task_roles(task))


def can_claim(user: Any, task: WorkTask) -> bool:
    return task.status == TaskStatus.READY and can_work_on(user, task)


def can_release(user: Any, task: WorkTask) -> bool:
    """The claimant, or an admin of the department freeing a task left by someone away."""
    if task.status != TaskStatus.CLAIMED:
        return False
    if task.claimed_by_id == getattr(user, "pk", None):
        return True
    return task.department is not None and holds_role_over(
        user, task.department, frozenset({Role.DEPARTMENT_ADMIN})
    )


def can_complete(user: Any, task: WorkTask) -> bool:
    """The claimant; or, while nobody has claimed it, any officer who could claim it."""
    if not can_work_on(user, task):
        return False
    if task.status == TaskStatus.CLAIMED:
        return task.claimed_by_id == getattr(user, "pk", None)
    return task.status == TaskStatus.READY


def can_upload_definition(user: Any, departments: list[Department]) -> bool:
    """Department admins over every department the process's lanes name; platform
    admins anywhere. A process routes work to departments, so it needs their consent."""
    return not departments_not_managed(user, departments)


def departments_not_managed(user: Any, departments: list[Department]) -> list[Department]:
    """Those of ``departments`` whose admins the user is not (all of them for an
    anonymous user): the ones that keep them from uploading the process."""
    if not getattr(user, "is_authenticated", False):
        return list(departments)
    return [d for d in departments if not holds_role_over(user, d, DEFINITION_MANAGER_ROLES)]


def can_manage_definitions(user: Any) -> bool:
    """Whether the user may use the processes' back office: a department or platform
    admin anywhere (uploading a file still needs every lane's department)."""
    return getattr(user, "is_authenticated", False) and holds_any_role(
        user, DEFINITION_MANAGER_ROLES
    )
