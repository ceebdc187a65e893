from django.contrib.auth.models import AnonymousUser

from onewindow.conftest import make_user
from onewindow.identity.roles import Role
from onewindow.workdays.permissions import can_manage_calendar


def test_platform_admins_and_the_system_manage_the_calendar(city):
    assert can_manage_calendar(None)
    assert can_manage_calendar(make_user(roles=[(Role.PLATFORM_ADMIN, city["root"])]))
    assert not can_manage_calendar(AnonymousUser())
    assert not can_manage_calendar(make_user(roles=[(Role.DEPARTMENT_ADMIN, city["root"])]))
    assert not can_manage_calendar(make_user(roles=[(Role.REVIEWING_OFFICER, city["market"])]))
    assert not can_manage_calendar(make_user())
