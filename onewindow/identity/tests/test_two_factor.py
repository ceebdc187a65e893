from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone, translation

from onewindow.audit.models import AuditEvent
from onewindow.conftest import make_user, otp_for
from onewindow.core.errors import InvalidInput
from onewindow.identity import two_factor
from onewindow.identity.roles import Role

pytestmark = pytest.mark.django_db


def test_totp_enrollment_needs_a_correct_code():
    from django_otp.oath import totp

    user = make_user()
    device = two_factor.start_totp_enrollment(user=user)
    with pytest.raises(InvalidInput):
        two_factor.confirm_totp_enrollment(user=user, code="000000")
    assert AuditEvent.objects.filter(action="identity.2fa_enrolled", outcome="failure").exists()
    assert two_factor.start_totp_enrollment(user=user) == device  # a reload keeps the secret
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):  # past the throttle
        two_factor.confirm_totp_enrollment(user=user, code=f"{totp(device.bin_key):06d}")
    assert two_factor.confirmed_device(user) is not None
    assert AuditEvent.objects.filter(action="identity.2fa_enrolled", outcome="success").exists()


def test_a_right_code_during_the_throttle_is_told_to_wait_not_called_wrong(city):
    from onewindow.core.errors import Locked

    officer = make_user(roles=[(Role.WINDOW_OFFICER, city["police"])], with_totp=True)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        with pytest.raises(InvalidInput):
            two_factor.check_totp(user=officer, code="000000")  # 1 s to wait after it
        clock.shift(timedelta(seconds=1))
        with pytest.raises(InvalidInput):
            two_factor.check_totp(user=officer, code="000000")  # 2 s after the second
        with translation.override("en"), pytest.raises(Locked) as excinfo:
            two_factor.check_totp(user=officer, code=otp_for(officer))
        assert excinfo.value.status == 429 and excinfo.value.code == "2fa_throttled"
        assert [str(m) for m in excinfo.value.fields["otp"]] == [
            "After a wrong code, wait 2 seconds, then enter the newest code."
        ]
        last = AuditEvent.objects.filter(action="identity.2fa_verified").order_by("seq").last()
        assert (last.outcome, last.detail) == ("failure", {"throttled_seconds": 2})
        clock.shift(timedelta(seconds=2))
        assert two_factor.check_totp(user=officer, code=otp_for(officer)) is not None


@pytest.mark.parametrize(
    ("then", "page"),
    [
        ("", "/account/2fa/"),
        ("/officer/", "/account/2fa/?next=%2Fofficer%2F"),
        (
            "/cases/inbox/?status=in_progress&deadline=red",
            "/account/2fa/?next=%2Fcases%2Finbox%2F%3Fstatus%3Din_progress%26deadline%3Dred",
        ),
    ],
)
def test_the_second_factor_page_is_asked_to_go_on_to_the_whole_page(then, page):
    assert two_factor.page_then(then) == page
