from django.contrib.auth.models import AnonymousUser

from onewindow.conftest import make_department, make_user
from onewindow.forms import permissions
from onewindow.forms.models import Attachment
from onewindow.identity.roles import Role


def test_only_the_owner_reads_by_default(db):
    owner, other = make_user(), make_user()
    attachment = Attachment(owner=owner, slot="scan")
    assert permissions.can_read_attachment(owner, attachment)
    assert not permissions.can_read_attachment(other, attachment)
    assert not permissions.can_read_attachment(AnonymousUser(), attachment)
    assert not permissions.can_read_attachment(
        AnonymousUser(), attachment, extra_check=lambda user, a: True
    )


def test_who_publishes_definitions(db):
    department = make_department(code="310000-RS")
    assert permissions.can_manage_definitions(None)
    assert permissions.can_manage_definitions(
        make_user(roles=[(Role.DEPARTMENT_ADMIN, department)])
    )
    assert not permissions.can_manage_definitions(
        make_user(roles=[(Role.WINDOW_OFFICER, department)])
    )
    assert not permissions.can_manage_definitions(make_user())
    assert not permissions.can_manage_definitions(AnonymousUser())
