import pytest

from onewindow.conftest import make_user
from onewindow.identity import queries
from onewindow.identity.models import Department, User
from onewindow.identity.roles import Role

pytestmark = pytest.mark.django_db


def test_officer_in_two_departments_sees_both_subtrees(city):
    officer = make_user(
        roles=[(Role.REVIEWING_OFFICER, city["police"]), (Role.REVIEWING_OFFICER, city["pudong"])]
    )
    codes = set(queries.visible_departments(officer).values_list("code", flat=True))
    assert codes == {"310000-GA", "310115", "310115004", "310115-SJ"}


def test_out_of_scope_department_looks_absent(city):
    officer = make_user(roles=[(Role.WINDOW_OFFICER, city["police"])])
    with pytest.raises(Department.DoesNotExist):
        queries.get_visible_department(officer, "310000-SJ")
    assert queries.get_visible_department(officer, "310000-GA") == city["police"]


def test_scope_filter_for_other_apps_rows(city):
    """Other apps filter their rows by a department foreign key through this filter."""
    officer = make_user(roles=[(Role.WINDOW_OFFICER, city["pudong"])])
    in_scope = make_user(roles=[(Role.WINDOW_OFFICER, city["street"])])
    make_user(roles=[(Role.WINDOW_OFFICER, city["police"])])
    rows = User.objects.filter(
        role_assignments__in=queries.RoleAssignment.objects.filter(
            queries.department_scope_filter(officer)
        )
    ).distinct()
    assert set(rows) == {officer, in_scope}


def test_visible_user_hides_people_outside_scope(city):
    officer = make_user(roles=[(Role.WINDOW_OFFICER, city["police"])])
    colleague = make_user(roles=[(Role.REVIEWING_OFFICER, city["police"])])
    stranger = make_user(roles=[(Role.REVIEWING_OFFICER, city["market"])])
    citizen = make_user()
    assert queries.visible_user(officer, colleague.pk) == colleague
    assert queries.visible_user(officer, officer.pk) == officer
    for hidden in (stranger, citizen):
        with pytest.raises(User.DoesNotExist):
            queries.visible_user(officer, hidden.pk)


def test_member_list_query_count_does_not_grow(city, django_assert_max_num_queries):
    for _ in range(5):
        make_user(roles=[(Role.REVIEWING_OFFICER, city["police"])])
    with django_assert_max_num_queries(1):
        members = list(queries.department_members(city["police"]))
        names = [m.user.full_name for m in members]
    assert len(names) == 5


def _held(assignments) -> set[tuple[str, str | None]]:
    return {(a.role, a.department.code if a.department else None) for a in assignments}


@pytest.mark.parametrize(
    ("viewer_role", "viewer_home", "seen"),
    [
        (Role.WINDOW_OFFICER, "police", {(Role.REVIEWING_OFFICER, "310000-GA")}),
        (Role.DEPARTMENT_ADMIN, "pudong", {(Role.WINDOW_OFFICER, "310115004")}),
        (
            Role.SUPERVISOR,
            "root",
            {
                (Role.REVIEWING_OFFICER, "310000-GA"),
                (Role.SUPERVISOR, "310000-SJ"),
                (Role.WINDOW_OFFICER, "310115004"),
            },
        ),
        # Only whoever has people without a department in scope sees a public role.
        (
            Role.PLATFORM_ADMIN,
            "root",
            {
                (Role.REVIEWING_OFFICER, "310000-GA"),
                (Role.SUPERVISOR, "310000-SJ"),
                (Role.WINDOW_OFFICER, "310115004"),
                (Role.CITIZEN, None),
            },
        ),
        (Role.PLATFORM_ADMIN, "police", {(Role.REVIEWING_OFFICER, "310000-GA")}),
        (Role.WINDOW_OFFICER, "pd_market", set()),
    ],
)
def test_a_users_roles_are_seen_in_the_viewers_departments_only(
    city, viewer_role, viewer_home, seen
):
    user = make_user(
        roles=[
            (Role.REVIEWING_OFFICER, city["police"]),
            (Role.SUPERVISOR, city["market"]),
            (Role.WINDOW_OFFICER, city["street"]),
            (Role.CITIZEN, None),
        ]
    )
    viewer = make_user(roles=[(viewer_role, city[viewer_home])])
    assert _held(queries.assignments_seen_by(viewer, user)) == seen


def test_ones_own_roles_are_all_seen(city):
    user = make_user(roles=[(Role.REVIEWING_OFFICER, city["police"]), (Role.CITIZEN, None)])
    assert _held(queries.assignments_seen_by(user, user)) == {
        (Role.REVIEWING_OFFICER, "310000-GA"),
        (Role.CITIZEN, None),
    }
