"""The roles of DESIGN.md. Citizens and company agents act for themselves or a company;
every other role is held in a department and makes its holder an officer."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    COMPANY_AGENT = "company_agent", _("Company agent")
    WINDOW_OFFICER = "window_officer", _("Window officer")
    REVIEWING_OFFICER = "reviewing_officer", _("Reviewing officer")
    # Heads a department's casework: approves extensions of time limits and receives
    # the first escalation of late tasks (the second goes to a supervisor).
    DEPARTMENT_LEAD = "department_lead", _("Department lead")
    DEPARTMENT_ADMIN = "department_admin", _("Department admin")
    DATA_STEWARD = "data_steward", _("Data steward")
    # Takes the city's 12345 hotline calls and hands each to whichever department it
    # concerns: works for the citizen across every department, from the hotline office.
    HOTLINE_AGENT = "hotline_agent", _("Hotline agent")
    # Oversees the time limits of the departments under the one it is held in: decides
    # their extensions, receives their late tasks' second escalation, and at the city's
    # root reads the audit trail.
    SUPERVISOR = "supervisor", _("Supervisor")
    # The city's e-government project office: reviews and follows every department's
    # IT projects, which the departments propose to it.
    PROJECT_OFFICE = "project_office", _("E-government project office")
    PLATFORM_ADMIN = "platform_admin", _("Platform admin")


PUBLIC_ROLES = frozenset({Role.CITIZEN, Role.COMPANY_AGENT})
OFFICER_ROLES = frozenset(set(Role) - PUBLIC_ROLES)
# The roles whose officers work cases' tasks from their department's inbox: those a
# process's lane may name, and those that decide a task whose lane names none.
CASEWORK_ROLES = frozenset({Role.WINDOW_OFFICER, Role.REVIEWING_OFFICER})

# Roles whose holders may see full identity numbers of the people in their departments
# (staff lists, the members API): the platform admin, who resolves account problems.
# Every such view is audited. Officers see an applicant's number on the applicant's case,
# where verifying it is the work (``cases.services.record_case_viewed``); a colleague's
# number is no part of anyone else's work (ADR 0007, amended).
IDENTITY_ENTITLED_ROLES = frozenset({Role.PLATFORM_ADMIN})

# Roles that may grant and revoke roles inside their department's subtree.
ROLE_MANAGER_ROLES = frozenset({Role.DEPARTMENT_ADMIN, Role.PLATFORM_ADMIN})

# Roles whose work is the city's, not the department they are held in: each watches,
# serves or decides for departments other than the one that holds it (the supervisor
# decides a department's extensions; the hotline agent and the project office hand work
# to, and judge the work of, any department; the platform admin runs the platform). A
# department's admin must not make one in their own department: the department watched
# would appoint its own watcher. Only a platform admin grants or revokes them
# (``permissions.can_grant``). The department's own roles (window, review, lead, admin,
# data steward) stay its admin's to give: their work is that department's.
CITY_LEVEL_ROLES = frozenset(
    {Role.SUPERVISOR, Role.HOTLINE_AGENT, Role.PROJECT_OFFICE, Role.PLATFORM_ADMIN}
)
