"""The authorization matrix: role × department relation × object."""

import pytest
from django.db.models import OuterRef

from onewindow.conftest import make_user
from onewindow.identity import permissions
from onewindow.identity.models import RoleAssignment, User
from onewindow.identity.roles import CITY_LEVEL_ROLES, OFFICER_ROLES, PUBLIC_ROLES, Role

pytestmark = pytest.mark.django_db

# Where the officer sits → which departments of the `city` fixture they may see.
SCOPE = {
    "police": {"police"},
    "pudong": {"pudong", "street", "pd_market"},
    "pd_market": {"pd_market"},
    "root": {"root", "police", "market", "pudong", "street", "pd_market"},
}


@pytest.mark.parametrize("role", sorted(OFFICER_ROLES))
@pytest.mark.parametrize("home", sorted(SCOPE))
def test_officers_see_their_departments_and_below_only(city, role, home):
    officer = make_user(roles=[(role, city[home])])
    visible = {name for name, dept in city.items() if permissions.can_see_department(officer, dept)}
    assert visible == SCOPE[home]


def test_the_role_one_acts_in_is_held_nearest_the_department_then_in_roles_order(city):
    officer = make_user(
        roles=[
            (Role.SUPERVISOR, city["root"]),
            (Role.REVIEWING_OFFICER, city["pudong"]),
            (Role.WINDOW_OFFICER, city["pudong"]),
            (Role.CITIZEN, None),
        ]
    )
    acting = {name: permissions.acting_role(officer, dept) for name, dept in city.items()}
    assert acting == {
        "root": Role.SUPERVISOR,
        "police": Role.SUPERVISOR,
        "market": Role.SUPERVISOR,
        "pudong": Role.WINDOW_OFFICER,  # the district's own before the city's
        "street": Role.WINDOW_OFFICER,
        "pd_market": Role.WINDOW_OFFICER,
    }
    leads = frozenset({Role.DEPARTMENT_LEAD, Role.SUPERVISOR})
    assert permissions.acting_role(officer, city["street"], leads) == Role.SUPERVISOR
    assert permissions.acting_role(officer, None) is None
    assert permissions.acting_role(make_user(), city["root"]) is None


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.COMPANY_AGENT])
def test_public_roles_see_no_department_data(city, role):
    user = make_user(roles=[(role, None)])
    assert not any(permissions.can_see_department(user, d) for d in city.values())
    assert not permissions.is_officer(user)


@pytest.mark.parametrize(
    ("actor_role", "actor_home", "grant_role", "target", "allowed"),
    [
        (Role.DEPARTMENT_ADMIN, "police", Role.WINDOW_OFFICER, "police", True),
        (Role.DEPARTMENT_ADMIN, "police", Role.REVIEWING_OFFICER, "market", False),
        (Role.DEPARTMENT_ADMIN, "pudong", Role.WINDOW_OFFICER, "street", True),
        (Role.DEPARTMENT_ADMIN, "pudong", Role.WINDOW_OFFICER, "police", False),
        (Role.DEPARTMENT_ADMIN, "police", Role.PLATFORM_ADMIN, "police", False),
        (Role.DEPARTMENT_ADMIN, "police", Role.CITIZEN, None, False),
        (Role.WINDOW_OFFICER, "police", Role.WINDOW_OFFICER, "police", False),
        (Role.SUPERVISOR, "root", Role.WINDOW_OFFICER, "police", False),
        (Role.PLATFORM_ADMIN, "root", Role.DEPARTMENT_ADMIN, "market", True),
        (Role.PLATFORM_ADMIN, "root", Role.PLATFORM_ADMIN, "root", True),
        (Role.PLATFORM_ADMIN, "root", Role.CITIZEN, None, True),
    ],
)
def test_who_may_grant_which_role_where(city, actor_role, actor_home, grant_role, target, allowed):
    actor = make_user(roles=[(actor_role, city[actor_home])])
    department = city[target] if target else None
    assert permissions.can_grant(actor, grant_role, department) is allowed


# The roles whose holders work for the whole city, watching or serving departments
# other than the one that holds them; the rest are a department's own.
CITY_LEVEL = {Role.SUPERVISOR, Role.HOTLINE_AGENT, Role.PROJECT_OFFICE, Role.PLATFORM_ADMIN}
DEPARTMENTS_OWN = {
    Role.WINDOW_OFFICER,
    Role.REVIEWING_OFFICER,
    Role.DEPARTMENT_LEAD,
    Role.DEPARTMENT_ADMIN,
    Role.DATA_STEWARD,
}


def test_the_city_level_roles_are_those_that_watch_or_serve_other_departments():
    assert CITY_LEVEL_ROLES == CITY_LEVEL
    assert CITY_LEVEL | DEPARTMENTS_OWN == OFFICER_ROLES  # every officer role decided


@pytest.mark.parametrize("role", sorted(OFFICER_ROLES))
@pytest.mark.parametrize(
    ("actor_role", "actor_home"),
    [(Role.DEPARTMENT_ADMIN, "police"), (Role.PLATFORM_ADMIN, "root")],
)
def test_only_a_platform_admin_grants_a_city_level_role(city, actor_role, actor_home, role):
    """QA: ga.admin, the police bureau's admin, made a supervisor of the police bureau,
    who then decided its own extensions."""
    actor = make_user(roles=[(actor_role, city[actor_home])])
    allowed = actor_role == Role.PLATFORM_ADMIN or role in DEPARTMENTS_OWN
    assert permissions.can_grant(actor, role, city["police"]) is allowed
    assert (role in permissions.grantable_roles(actor, city["police"])) is allowed


@pytest.mark.parametrize("role", sorted(CITY_LEVEL))
@pytest.mark.parametrize(
    ("actor_roles", "target", "allowed"),
    [
        # A department admin of the whole city is still not the platform's admin.
        ([(Role.DEPARTMENT_ADMIN, "root")], "police", False),
        ([(Role.DEPARTMENT_ADMIN, "pudong")], "street", False),
        # A platform admin grants them in their own subtree only.
        ([(Role.PLATFORM_ADMIN, "police")], "police", True),
        ([(Role.PLATFORM_ADMIN, "pudong")], "street", True),
        ([(Role.PLATFORM_ADMIN, "police")], "market", False),
        # A platform admin elsewhere does not make a department admin's role one.
        ([(Role.PLATFORM_ADMIN, "police"), (Role.DEPARTMENT_ADMIN, "market")], "market", False),
    ],
)
def test_a_city_level_role_needs_a_platform_admin_over_its_department(
    city, role, actor_roles, target, allowed
):
    actor = make_user(roles=[(r, city[home]) for r, home in actor_roles])
    assert permissions.can_grant(actor, role, city[target]) is allowed


@pytest.mark.parametrize(
    ("actor_role", "held", "offered"),
    [
        (Role.DEPARTMENT_ADMIN, Role.REVIEWING_OFFICER, True),
        (Role.DEPARTMENT_ADMIN, Role.SUPERVISOR, False),  # not theirs to grant, nor revoke
        (Role.DEPARTMENT_ADMIN, Role.HOTLINE_AGENT, False),
        (Role.PLATFORM_ADMIN, Role.SUPERVISOR, True),
        (Role.WINDOW_OFFICER, Role.REVIEWING_OFFICER, False),
    ],
)
def test_a_role_is_offered_to_revoke_to_whoever_may_grant_it(city, actor_role, held, offered):
    actor = make_user(roles=[(actor_role, city["police"])])
    holder = make_user(roles=[(held, city["police"])])
    assignment = RoleAssignment.objects.get(user=holder)
    assert permissions.offers_revoke(actor, assignment) is offered


def test_ones_own_last_admin_role_is_not_offered_to_revoke(city):
    admin = make_user(roles=[(Role.DEPARTMENT_ADMIN, city["police"])])
    assert not permissions.offers_revoke(admin, RoleAssignment.objects.get(user=admin))


@pytest.mark.parametrize(
    ("role", "home", "sees"),
    [
        (Role.PLATFORM_ADMIN, "root", True),
        (Role.PLATFORM_ADMIN, "police", False),
        (Role.SUPERVISOR, "root", False),
        (Role.DEPARTMENT_ADMIN, "root", False),
    ],
)
def test_people_without_a_department_are_in_a_root_platform_admins_scope_only(
    city, role, home, sees
):
    viewer = make_user(roles=[(role, city[home])])
    assert permissions.sees_people_without_department(viewer) is sees


@pytest.mark.parametrize(
    ("actor_role", "actor_home", "target", "offered"),
    [
        (Role.DEPARTMENT_ADMIN, "police", "police", sorted(OFFICER_ROLES - CITY_LEVEL_ROLES)),
        (Role.DEPARTMENT_ADMIN, "pudong", "street", sorted(OFFICER_ROLES - CITY_LEVEL_ROLES)),
        (Role.DEPARTMENT_ADMIN, "root", "police", sorted(OFFICER_ROLES - CITY_LEVEL_ROLES)),
        (Role.DEPARTMENT_ADMIN, "police", "market", []),
        (Role.PLATFORM_ADMIN, "root", "police", sorted(OFFICER_ROLES)),
        (Role.WINDOW_OFFICER, "police", "police", []),
    ],
)
def test_a_grant_form_offers_exactly_the_roles_the_actor_may_grant(
    city, actor_role, actor_home, target, offered
):
    actor = make_user(roles=[(actor_role, city[actor_home])])
    roles = permissions.grantable_roles(actor, city[target])
    assert sorted(roles) == offered
    assert all(permissions.can_grant(actor, role, city[target]) for role in roles)
    assert roles == [role for role in Role if role in roles]  # in the order of Role


@pytest.mark.parametrize(
    ("own_roles", "revoked", "locked_out"),
    [
        # The only role that lets them manage the police bureau's roles.
        ([(Role.DEPARTMENT_ADMIN, "police")], (Role.DEPARTMENT_ADMIN, "police"), True),
        (
            [(Role.DEPARTMENT_ADMIN, "police"), (Role.WINDOW_OFFICER, "police")],
            (Role.DEPARTMENT_ADMIN, "police"),
            True,
        ),
        # An admin role elsewhere does not cover the police bureau.
        (
            [(Role.DEPARTMENT_ADMIN, "police"), (Role.DEPARTMENT_ADMIN, "market")],
            (Role.DEPARTMENT_ADMIN, "police"),
            True,
        ),
        # One above it does; so does a platform admin's.
        (
            [(Role.DEPARTMENT_ADMIN, "police"), (Role.DEPARTMENT_ADMIN, "root")],
            (Role.DEPARTMENT_ADMIN, "police"),
            False,
        ),
        (
            [(Role.DEPARTMENT_ADMIN, "police"), (Role.PLATFORM_ADMIN, "root")],
            (Role.DEPARTMENT_ADMIN, "police"),
            False,
        ),
        ([(Role.PLATFORM_ADMIN, "root")], (Role.PLATFORM_ADMIN, "root"), True),
        # Not a role that manages roles.
        (
            [(Role.DEPARTMENT_ADMIN, "police"), (Role.WINDOW_OFFICER, "police")],
            (Role.WINDOW_OFFICER, "police"),
            False,
        ),
    ],
)
def test_revoking_ones_own_last_managing_role_would_lock_one_out(
    city, own_roles, revoked, locked_out
):
    admin = make_user(roles=[(role, city[home]) for role, home in own_roles])
    role, home = revoked
    assignment = RoleAssignment.objects.get(user=admin, role=role, department=city[home])
    assert permissions.would_lock_out(admin, assignment) is locked_out


def test_someone_elses_admin_role_is_no_lock_out(city):
    admin = make_user(roles=[(Role.DEPARTMENT_ADMIN, city["police"])])
    colleague = make_user(roles=[(Role.DEPARTMENT_ADMIN, city["police"])])
    theirs = RoleAssignment.objects.get(user=colleague)
    assert not permissions.would_lock_out(admin, theirs)


@pytest.mark.parametrize(
    ("viewer_role", "viewer_home", "allowed"),
    [
        # A colleague's number is no part of a window's work (it sees applicants' on
        # their cases: cases.services.record_case_viewed).
        (Role.WINDOW_OFFICER, "police", False),
        (Role.WINDOW_OFFICER, "root", False),
        (Role.WINDOW_OFFICER, "market", False),
        (Role.REVIEWING_OFFICER, "police", False),
        (Role.DEPARTMENT_ADMIN, "police", False),
        (Role.SUPERVISOR, "root", False),
        (Role.PLATFORM_ADMIN, "root", True),
        (Role.PLATFORM_ADMIN, "police", True),
        (Role.PLATFORM_ADMIN, "market", False),
        (Role.CITIZEN, None, False),
    ],
)
def test_who_sees_a_police_officers_identity_number(city, viewer_role, viewer_home, allowed):
    subject = make_user(roles=[(Role.REVIEWING_OFFICER, city["police"])])
    viewer = make_user(roles=[(viewer_role, city[viewer_home] if viewer_home else None)])
    assert permissions.can_view_identity_number(viewer, subject) is allowed


def test_everyone_sees_their_own_identity_number(city):
    person = make_user()
    assert permissions.can_view_identity_number(person, person)


def test_platform_admin_sees_citizens_but_window_officer_does_not(city):
    citizen = make_user()
    admin = make_user(roles=[(Role.PLATFORM_ADMIN, city["root"])])
    window = make_user(roles=[(Role.WINDOW_OFFICER, city["police"])])
    assert permissions.can_view_identity_number(admin, citizen)
    assert not permissions.can_view_identity_number(window, citizen)


@pytest.mark.parametrize(
    "roles", [[], *[[role] for role in Role], [Role.CITIZEN, Role.WINDOW_OFFICER]]
)
def test_officer_role_held_answers_as_is_officer(city, roles):
    # Token checks read it in the token's own query instead of the holder's roles.
    user = make_user(roles=[(r, None if r in PUBLIC_ROLES else city["police"]) for r in roles])
    found = User.objects.annotate(officer=permissions.officer_role_held(OuterRef("pk")))
    officer = found.get(pk=user.pk).officer
    assert officer is permissions.is_officer(user) is bool(set(roles) & OFFICER_ROLES)
    assert permissions.needs_second_factor(user, holds_officer_role=officer) is officer
