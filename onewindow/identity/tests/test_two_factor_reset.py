"""An administrator resets an officer's lost second factor: the devices go, the API
tokens and sessions end, all on record in one transaction, the officer is told by mail
and enrols a new device at their next login; never one's own, and only by someone who
may grant every role the officer holds."""

from __future__ import annotations

import base64
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from onewindow.audit.models import AuditEvent, Outcome
from onewindow.conftest import PASSWORD, holder_logged_in, make_user, otp_for
from onewindow.core.errors import Forbidden
from onewindow.identity import assignments, tokens, two_factor, two_factor_reset
from onewindow.identity.models import ApiToken
from onewindow.identity.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(city):  # type: ignore[no-untyped-def]
    return make_user(
        username="admin.police", roles=[(Role.DEPARTMENT_ADMIN, city["police"])], with_totp=True
    )


@pytest.fixture
def officer(city):  # type: ignore[no-untyped-def]
    return make_user(
        username="officer.lost",
        roles=[(Role.WINDOW_OFFICER, city["police"])],
        with_totp=True,
        email="lost@example.invalid",
        language="en",
    )


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    assert (
        client.post("/login/", {"username": user.username, "password": PASSWORD}).status_code == 302
    )
    assert client.post("/account/2fa/", {"otp": otp_for(user)}).status_code == 302
    return client


def test_devices_tokens_and_sessions_end_on_record(
    admin, officer, django_capture_on_commit_callbacks
):
    TOTPDevice.objects.create(user=officer, name="half set up", confirmed=False)
    tokens.issue_token(user=officer, second_factor=True)
    elsewhere = signed_in(officer)
    admins_session = signed_in(admin)

    with django_capture_on_commit_callbacks(execute=True):
        done = two_factor_reset.reset_two_factor(actor=admin, user=officer)

    assert done == two_factor_reset.Reset(devices_removed=2, tokens_revoked=1, sessions_ended=1)
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert not ApiToken.objects.filter(user=officer, revoked_at__isnull=True).exists()
    assert elsewhere.get("/account/")["Location"].startswith("/login/")
    assert admins_session.get("/officer/").status_code == 200  # others' sessions stay
    event = AuditEvent.objects.get(action="identity.two_factor_reset")
    assert (event.actor_id, event.target_id, event.outcome) == (
        admin.pk,
        str(officer.pk),
        Outcome.SUCCESS,
    )
    assert event.detail == {"devices_removed": 2, "tokens_revoked": 1, "sessions_ended": 1}
    [message] = mail.outbox
    assert message.to == ["lost@example.invalid"]
    assert message.subject == "Your OneWindow two-factor authentication was reset"
    assert "An administrator reset the two-factor authentication" in message.body
    assert "officer.lost" in message.body and "next time you log in" in message.body
    assert message.body.endswith(
        "--\nThis message was sent automatically by OneWindow. Please do not reply to it.\n"
        "For help, call the 12345 citizen hotline."
    )


def test_the_mail_is_in_the_officers_language(
    admin, city, chinese, django_capture_on_commit_callbacks
):
    in_chinese = make_user(
        roles=[(Role.WINDOW_OFFICER, city["police"])], with_totp=True, email="z@example.invalid"
    )
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        two_factor_reset.reset_two_factor(actor=admin, user=in_chinese)
    [message] = mail.outbox
    assert message.subject == "您的一网通办双因素认证已被重置"
    assert "管理员已重置您的账号" in message.body and "12345" in message.body


def test_at_next_login_the_officer_enrols_a_new_device(
    admin, officer, django_capture_on_commit_callbacks
):
    two_factor_reset.reset_two_factor(actor=admin, user=officer)
    client = Client()
    logged_in = client.post("/login/", {"username": "officer.lost", "password": PASSWORD})
    assert logged_in["Location"].startswith("/account/2fa/")
    assert client.get("/officer/")["Location"].startswith("/account/2fa/")
    with django_capture_on_commit_callbacks(execute=True):
        page = client.get("/account/2fa/").content.decode()
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page).group(1)
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    # With the code emailed to the account's address: whoever took the password while the
    # second factor was reset has not its mailbox too.
    emailed = two_factor.mailbox_device(officer).token
    posted = {"otp": f"{totp(key):06d}", "mailbox_code": emailed}
    assert client.post("/account/2fa/", posted).status_code == 302
    assert client.get("/officer/").status_code == 200
    assert TOTPDevice.objects.get(user=officer).confirmed


def test_nobody_resets_their_own(admin):
    with pytest.raises(Forbidden) as refused:
        two_factor_reset.reset_two_factor(actor=admin, user=admin)
    with translation.override("en"):
        assert "ask another administrator" in str(refused.value.message)
    assert TOTPDevice.objects.filter(user=admin).exists()
    event = AuditEvent.objects.get(action="identity.two_factor_reset")
    assert event.outcome == Outcome.DENIED and event.actor_id == admin.pk


@pytest.mark.parametrize(
    "roles",
    [
        pytest.param([(Role.PLATFORM_ADMIN, "police")], id="a platform admin"),
        pytest.param([(Role.WINDOW_OFFICER, "market")], id="another department's officer"),
        pytest.param(
            [(Role.WINDOW_OFFICER, "police"), (Role.REVIEWING_OFFICER, "market")],
            id="an officer also of a department outside the admin's subtree",
        ),
        pytest.param([(Role.SUPERVISOR, "police")], id="a city-level role in the department"),
        pytest.param([], id="a citizen"),
    ],
)
def test_a_department_admin_resets_only_officers_wholly_theirs(admin, city, roles):
    target = make_user(roles=[(role, city[where]) for role, where in roles], with_totp=True)
    assert not two_factor_reset.may_reset(admin, target)
    with pytest.raises(Forbidden):
        two_factor_reset.reset_two_factor(actor=admin, user=target)
    assert TOTPDevice.objects.filter(user=target).exists()


def test_staff_only_by_a_platform_admin_at_the_root(admin, city, officer):
    officer.is_staff = True
    officer.save(update_fields=["is_staff"])
    assert not two_factor_reset.may_reset(admin, officer)
    root_admin = make_user(roles=[(Role.PLATFORM_ADMIN, city["root"])])
    assert two_factor_reset.may_reset(root_admin, officer)


def test_a_department_admin_above_resets_officers_below(city, officer):
    city_admin = make_user(roles=[(Role.DEPARTMENT_ADMIN, city["root"])])
    assert two_factor_reset.may_reset(city_admin, officer)


def test_the_list_asks_for_everyones_roles_at_once(admin, officer, city, django_assert_num_queries):
    others = [make_user(roles=[(Role.WINDOW_OFFICER, city["police"])]) for _ in range(3)]
    platform = make_user(roles=[(Role.PLATFORM_ADMIN, city["police"])])
    assignments.add_role(
        user=others[0],
        role=Role.WINDOW_OFFICER,
        department=city["market"],
        actor=None,
        request=None,
    )
    with django_assert_num_queries(2):  # the admin's roles, then everyone's
        offered = two_factor_reset.offered_for(admin, [admin, officer, platform, *others])
    assert offered == {officer.pk, others[1].pk, others[2].pk}


def test_a_reset_through_the_page_needs_no_script(city, officer):
    client, _admin = holder_logged_in(Role.DEPARTMENT_ADMIN, city["police"])
    url = f"/officer/departments/310000-GA/officers/{officer.pk}/reset-two-factor/"
    assert client.post(url)["Location"] == "/officer/departments/310000-GA/"
    assert not TOTPDevice.objects.filter(user=officer).exists()
