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
    HOTLINE_AGENT = "hotline_agent", _("Hotline agent")
    SUPERVISOR = "supervisor", _("Supervisor")
    PROJECT_OFFICE = "project_office", _("E-government project office")
    PLATFORM_ADMIN = "platform_admin", _("Platform admin")


PUBLIC_ROLES = frozenset({Role.CITIZEN, Role.COMPANY_AGENT})
OFFICER_ROLES = frozenset(set(Role) - PUBLIC_ROLES)

# Roles whose holders may see full identity numbers of the people in their departments
# (staff lists, the members API): the platform admin, who resolves account problems.
# Every such view is audited. Officers see an applicant's number on the applicant's case,
# where verifying it is the work (``cases.services.record_case_viewed``); a colleague's
# number is no part of anyone else's work (ADR 0007, amended).
IDENTITY_ENTITLED_ROLES = frozenset({Role.PLATFORM_ADMIN})

# Roles that may grant and revoke roles inside their department's subtree.
ROLE_MANAGER_ROLES = frozenset({Role.DEPARTMENT_ADMIN, Role.PLATFORM_ADMIN})
