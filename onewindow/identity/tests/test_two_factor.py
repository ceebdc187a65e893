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


def test_an_account_with_an_email_address_proves_its_mailbox_at_set_up(
    django_capture_on_commit_callbacks,
):
    """The password alone does not set up an authenticator: whoever learnt it before the
    owner's first login could otherwise keep the account with their own phone."""
    from django.core import mail
    from django_otp.oath import totp

    user = make_user(email="officer.zhao@example.invalid", language="en")
    with django_capture_on_commit_callbacks(execute=True):
        device = two_factor.start_totp_enrollment(user=user)
    [message] = mail.outbox
    assert message.to == ["officer.zhao@example.invalid"]
    assert message.subject == "Your OneWindow set-up code"
    emailed = two_factor.mailbox_device(user).token
    assert emailed and f"\n\n{emailed}\n\n" in message.body
    with time_machine.travel(timezone.now(), tick=False) as clock:
        code = f"{totp(device.bin_key):06d}"
        for wrong in ("", "000000" if emailed != "000000" else "111111"):
            with pytest.raises(InvalidInput) as refused:
                two_factor.confirm_totp_enrollment(user=user, code=code, mailbox_code=wrong)
            assert list(refused.value.fields) == ["mailbox_code"]
            clock.shift(timedelta(seconds=3))  # past django-otp's throttle
        assert two_factor.confirmed_device(user) is None
        two_factor.confirm_totp_enrollment(user=user, code=code, mailbox_code=emailed)
    assert two_factor.confirmed_device(user) is not None
    # Spent: the next set-up (after a reset) needs a new code.
    assert two_factor.mailbox_device(user).token is None


def test_a_new_code_is_emailed_at_most_once_a_minute(django_capture_on_commit_callbacks):
    from django.core import mail

    user = make_user(email="officer.qian@example.invalid")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            two_factor.start_totp_enrollment(user=user)
            assert not two_factor.send_mailbox_code(user=user)  # within the minute
        clock.shift(timedelta(seconds=61))
        with django_capture_on_commit_callbacks(execute=True):
            assert two_factor.send_mailbox_code(user=user)
    assert len(mail.outbox) == 2
    assert AuditEvent.objects.filter(action="identity.2fa_mailbox_code_sent").count() == 2


def test_an_account_without_an_email_address_sets_up_with_its_password_alone():
    assert not two_factor.needs_mailbox_code(make_user(email=""))


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
