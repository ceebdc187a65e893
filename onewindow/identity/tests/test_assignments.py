"""Granting and revoking roles (``identity.assignments``): audited, refused to oneself
and outside one's scope, and never locking the last admin out."""

import pytest
from django.utils import translation

from onewindow.audit.models import AuditEvent
from onewindow.conftest import make_uscc, make_user
from onewindow.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from onewindow.identity import assignments
from onewindow.identity.models import LegalPerson, RoleAssignment
from onewindow.identity.roles import Role

pytestmark = pytest.mark.django_db


def test_grant_and_revoke_are_audited(city):
    admin = make_user(roles=[(Role.DEPARTMENT_ADMIN, city["police"])])
    person = make_user()
    assignment, created = assignments.grant_role(
        actor=admin, user=person, role=Role.WINDOW_OFFICER, department=city["police"]
    )
    assert created
    granted = AuditEvent.objects.filter(action="identity.role_granted").last()
    assert granted.actor_id == admin.pk
    assert granted.detail == {"role": "window_officer", "department": "310000-GA"}
    assignments.revoke_role(actor=admin, assignment_id=assignment.pk)
    revoked = AuditEvent.objects.get(action="identity.role_revoked")
    assert revoked.target_id == str(person.pk)
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_granting_a_role_held_already_writes_and_audits_nothing(city):
    admin = make_user(roles=[(Role.DEPARTMENT_ADMIN, city["police"])])
    person = make_user(roles=[(Role.WINDOW_OFFICER, city["police"])])
    held = RoleAssignment.objects.get(user=person, role=Role.WINDOW_OFFICER)
    events = AuditEvent.objects.count()
    assignment, created = assignments.grant_role(
        actor=admin, user=person, role=Role.WINDOW_OFFICER, department=city["police"]
    )
    assert (assignment, created) == (held, False)
    assert assignment.granted_by_id is None  # still the first grant's
    assert RoleAssignment.objects.filter(user=person).count() == 1
    assert AuditEvent.objects.count() == events


def test_a_refused_grant_names_the_role_field(city):
    admin = make_user(roles=[(Role.DEPARTMENT_ADMIN, city["police"])])
    with pytest.raises(Forbidden) as excinfo:
        assignments.grant_role(
            actor=admin, user=make_user(), role=Role.PLATFORM_ADMIN, department=city["police"]
        )
    assert list(excinfo.value.fields) == ["role"]


def test_nobody_grants_a_role_to_themselves_and_the_refusal_is_on_record(city):
    admin = make_user(roles=[(Role.PLATFORM_ADMIN, city["root"])])
    with translation.override("en"):
        with pytest.raises(Forbidden) as excinfo:
            assignments.grant_role(
                actor=admin, user=admin, role=Role.SUPERVISOR, department=city["root"]
            )
        # The message is lazy: read in the language it is asked in.
        assert [str(m) for m in excinfo.value.fields["username"]] == [
            "You may not grant a role to yourself: another administrator must."
        ]
        assert list(excinfo.value.fields) == ["username"]
    assert list(RoleAssignment.objects.filter(user=admin).values_list("role", flat=True)) == [
        Role.PLATFORM_ADMIN
    ]
    denied = AuditEvent.objects.get(action="identity.role_granted", outcome="denied")
    assert (denied.actor_id, denied.target_id) == (admin.pk, str(admin.pk))


def test_an_admin_may_not_revoke_their_own_last_admin_role(city):
    admin = make_user(roles=[(Role.DEPARTMENT_ADMIN, city["police"])])
    own = RoleAssignment.objects.get(user=admin)
    with pytest.raises(Conflict) as excinfo:
        assignments.revoke_role(actor=admin, assignment_id=own.pk)
    assert excinfo.value.code == "own_last_admin_role"
    assert RoleAssignment.objects.filter(pk=own.pk).exists()
    assert not AuditEvent.objects.filter(action="identity.role_revoked").exists()


def test_an_admin_may_revoke_their_own_admin_role_held_also_above(city):
    admin = make_user(
        roles=[(Role.DEPARTMENT_ADMIN, city["police"]), (Role.DEPARTMENT_ADMIN, city["root"])]
    )
    own = RoleAssignment.objects.get(user=admin, department=city["police"])
    assignments.revoke_role(actor=admin, assignment_id=own.pk)
    assert not RoleAssignment.objects.filter(pk=own.pk).exists()
    # ...but not then the last one.
    last = RoleAssignment.objects.get(user=admin)
    with pytest.raises(Conflict):
        assignments.revoke_role(actor=admin, assignment_id=last.pk)


def test_an_admin_may_revoke_a_fellow_admins_role_and_their_own_other_roles(city):
    admin = make_user(
        roles=[(Role.DEPARTMENT_ADMIN, city["police"]), (Role.WINDOW_OFFICER, city["police"])]
    )
    fellow = make_user(roles=[(Role.DEPARTMENT_ADMIN, city["police"])])
    for assignment in (
        RoleAssignment.objects.get(user=fellow),
        RoleAssignment.objects.get(user=admin, role=Role.WINDOW_OFFICER),
    ):
        assignments.revoke_role(actor=admin, assignment_id=assignment.pk)
    assert AuditEvent.objects.filter(action="identity.role_revoked").count() == 2
    assert list(RoleAssignment.objects.filter(department=city["police"])) == [
        RoleAssignment.objects.get(user=admin, role=Role.DEPARTMENT_ADMIN)
    ]


def test_denied_grant_is_audited_and_changes_nothing(city):
    admin = make_user(roles=[(Role.DEPARTMENT_ADMIN, city["police"])])
    person = make_user()
    with pytest.raises(Forbidden):
        assignments.grant_role(
            actor=admin, user=person, role=Role.WINDOW_OFFICER, department=city["market"]
        )
    assert not RoleAssignment.objects.filter(user=person, department=city["market"]).exists()
    assert AuditEvent.objects.filter(action="identity.role_granted", outcome="denied").exists()


def test_revoking_outside_scope_looks_like_absence(city):
    admin = make_user(roles=[(Role.DEPARTMENT_ADMIN, city["police"])])
    other = make_user(roles=[(Role.WINDOW_OFFICER, city["market"])])
    assignment = RoleAssignment.objects.get(user=other)
    with pytest.raises(NotFound):
        assignments.revoke_role(actor=admin, assignment_id=assignment.pk)
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_officer_role_needs_a_department(city):
    admin = make_user(roles=[(Role.PLATFORM_ADMIN, city["root"])])
    with pytest.raises(InvalidInput):
        assignments.grant_role(actor=admin, user=make_user(), role=Role.SUPERVISOR, department=None)


@pytest.mark.parametrize(
    "role", [Role.SUPERVISOR, Role.HOTLINE_AGENT, Role.PROJECT_OFFICE, Role.PLATFORM_ADMIN]
)
def test_a_department_admin_granting_a_city_level_role_in_their_department_is_refused(city, role):
    # What any way of granting goes through (the page today; no API operation grants).
    admin = make_user(roles=[(Role.DEPARTMENT_ADMIN, city["police"])])
    person = make_user()
    with pytest.raises(Forbidden):
        assignments.grant_role(actor=admin, user=person, role=role, department=city["police"])
    assert not RoleAssignment.objects.filter(user=person, role=role).exists()
    denied = AuditEvent.objects.get(action="identity.role_granted", outcome="denied")
    assert (denied.actor_id, denied.detail) == (admin.pk, {"role": role, "department": "310000-GA"})


@pytest.mark.parametrize(
    "role", [Role.SUPERVISOR, Role.HOTLINE_AGENT, Role.PROJECT_OFFICE, Role.PLATFORM_ADMIN]
)
def test_a_platform_admin_grants_and_revokes_a_city_level_role(city, role):
    platform = make_user(roles=[(Role.PLATFORM_ADMIN, city["root"])])
    person = make_user()
    assignment, created = assignments.grant_role(
        actor=platform, user=person, role=role, department=city["police"]
    )
    assert created
    assignments.revoke_role(actor=platform, assignment_id=assignment.pk)
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_a_department_admin_cannot_revoke_their_departments_supervisor(city):
    admin = make_user(roles=[(Role.DEPARTMENT_ADMIN, city["police"])])
    supervisor = make_user(roles=[(Role.SUPERVISOR, city["police"])])
    assignment = RoleAssignment.objects.get(user=supervisor)
    with pytest.raises(NotFound):
        assignments.revoke_role(actor=admin, assignment_id=assignment.pk)
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_a_grant_preview_shows_the_roles_held_and_the_companies_acted_for(city):
    admin = make_user(roles=[(Role.DEPARTMENT_ADMIN, city["police"])])
    person = make_user(roles=[(Role.WINDOW_OFFICER, city["market"])])
    company = LegalPerson.objects.create(uscc=make_uscc(), name="上海某某科技有限公司")
    company.agents.add(person)
    events = AuditEvent.objects.count()
    preview = assignments.grant_preview(
        actor=admin, user=person, role=Role.WINDOW_OFFICER, department=city["police"]
    )
    assert preview is not None
    assert preview.person == person
    assert [(a.role, a.department) for a in preview.holds] == [
        (Role.WINDOW_OFFICER, city["market"])
    ]
    assert preview.agent_of == [company]
    with translation.override("zh-hans"):
        assert preview.role_label == "窗口受理人员"
    assert not RoleAssignment.objects.filter(user=person, department=city["police"]).exists()
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("case", ["oneself", "role not theirs to give"])
def test_a_grant_that_would_be_refused_has_no_preview_and_nothing_is_audited(city, case):
    """The preview judges as the grant does (one ``_refusal``), and leaves the refusal
    and its audit record to the grant itself."""
    admin = make_user(roles=[(Role.DEPARTMENT_ADMIN, city["police"])])
    person, role = (
        (admin, Role.WINDOW_OFFICER) if case == "oneself" else (make_user(), Role.PLATFORM_ADMIN)
    )
    events = AuditEvent.objects.count()
    assert (
        assignments.grant_preview(actor=admin, user=person, role=role, department=city["police"])
        is None
    )
    assert AuditEvent.objects.count() == events
    with pytest.raises(Forbidden):
        assignments.grant_role(actor=admin, user=person, role=role, department=city["police"])
    assert AuditEvent.objects.count() == events + 1
