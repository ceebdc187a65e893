"""An administrator creates an officer's account: the account and its role in one
transaction with the administrator on record, no password until the officer sets one
from the mailed link, every problem with the details at once, nothing half-saved; then
the officer's first login enrols their second factor."""

from __future__ import annotations

import base64
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation
from django_otp.oath import totp

from onewindow.audit.models import AuditEvent, Outcome
from onewindow.conftest import make_id_number, make_user
from onewindow.core.errors import Forbidden, InvalidInput
from onewindow.identity import officer_accounts
from onewindow.identity.models import RoleAssignment, User
from onewindow.identity.roles import Role

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver(/password/reset/[^/\s]+/[^/\s]+/)")
NEW = "Lujiazui-towers-in-fog-2026"


@pytest.fixture
def admin(city):  # type: ignore[no-untyped-def]
    return make_user(username="admin.police", roles=[(Role.DEPARTMENT_ADMIN, city["police"])])


def create(admin, department, **changes):  # type: ignore[no-untyped-def]
    details = {
        "username": "officer.wang",
        "full_name": "王警官",
        "email": "wang@example.invalid",
        "role": Role.WINDOW_OFFICER,
        "site": "http://testserver/",
        **changes,
    }
    return officer_accounts.create_officer_account(actor=admin, department=department, **details)


def test_the_account_holds_the_role_with_the_admin_on_record(
    admin, city, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        officer = create(admin, city["police"], phone="+86 138 1234 5678")
    assert not officer.has_usable_password()
    assert officer.phone == "13812345678" and officer.id_number is None
    [held] = RoleAssignment.objects.filter(user=officer)
    assert (held.role, held.department, held.granted_by) == (
        Role.WINDOW_OFFICER,
        city["police"],
        admin,
    )
    created = AuditEvent.objects.get(action="identity.account_created", target_id=str(officer.pk))
    granted = AuditEvent.objects.get(action="identity.role_granted", target_id=str(officer.pk))
    assert created.actor_id == granted.actor_id == admin.pk
    [message] = mail.outbox
    assert message.to == ["wang@example.invalid"]
    assert "一网通办" in message.subject or "OneWindow" in message.subject


def test_the_mail_says_an_administrator_made_it_and_what_comes_next(
    admin, city, django_capture_on_commit_callbacks
):
    # In the language the administrator chose for the officer, whatever the page's.
    with django_capture_on_commit_callbacks(execute=True):
        officer = create(admin, city["police"], preferred_language="en")
    assert officer.preferred_language == "en"
    [message] = mail.outbox
    assert message.subject == "Your OneWindow account"
    body = message.body
    assert "An administrator created a OneWindow account for you" in body
    assert "officer.wang" in body and "within 60 minutes" in body
    assert "two-factor authentication" in body
    assert "Please do not reply" in body and "12345" in body  # the notices' footer
    assert LINK.search(body)


def test_the_officer_sets_a_password_then_enrols_a_second_factor(
    admin, city, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        officer = create(admin, city["police"])
    client = Client()
    form_page = client.get(LINK.search(mail.outbox[0].body).group(1))["Location"]
    done = client.post(form_page, {"new_password": NEW, "new_password_again": NEW})
    assert done.status_code == 302 and done["Location"] == "/login/"

    logged_in = client.post("/login/", {"username": "officer.wang", "password": NEW})
    assert logged_in["Location"].startswith("/account/2fa/")
    with django_capture_on_commit_callbacks(execute=True):
        page = client.get("/account/2fa/").content.decode()
    assert "w***@example.invalid" in page
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page).group(1)
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    # The authenticator's code alone is not enough: the mailbox's too (two_factor).
    alone = client.post("/account/2fa/", {"otp": f"{totp(key):06d}"})
    assert alone.status_code == 422
    emailed = re.search(r"\n\n(\d{6})\n\n", mail.outbox[-1].body).group(1)
    sent = client.post("/account/2fa/", {"otp": f"{totp(key):06d}", "mailbox_code": emailed})
    assert sent.status_code == 302
    assert client.get("/officer/departments/310000-GA/").status_code == 200
    # A late retry of the mail, once the password is set, sends nothing.
    from onewindow.identity.tasks import send_officer_account_created

    assert not send_officer_account_created(officer.pk, "http://testserver/")


def test_a_new_account_speaks_the_citys_language_unless_told(admin, city):
    assert create(admin, city["police"]).preferred_language == "zh-hans"
    with pytest.raises(InvalidInput) as refused:
        create(
            admin,
            city["police"],
            username="officer.li",
            email="li@example.invalid",
            preferred_language="fr",
        )
    assert set(refused.value.fields) == {"preferred_language"}
    assert not User.objects.filter(username="officer.li").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"username": "OFFICER.WANG", "email": "other@example.invalid"}, "username"),
        ({"username": "officer.li", "email": "Wang@Example.invalid"}, "email"),
    ],
)
def test_a_user_name_or_an_email_address_of_another_account_is_refused(admin, city, changes, field):
    """Letter case aside (QA: "GA.WINDOW" beside "ga.window", and an officer given a
    colleague's address, whose password reset then mailed them both links)."""
    create(admin, city["police"])
    people = User.objects.count()
    with pytest.raises(InvalidInput) as refused:
        create(admin, city["police"], **changes)
    with translation.override("en"):
        said = {name: [str(m) for m in found] for name, found in refused.value.fields.items()}
    assert said == {
        field: [
            "This user name is taken."
            if field == "username"
            else "Another account has this email address."
        ]
    }
    assert User.objects.count() == people


def test_every_problem_at_once_and_nothing_saved(admin, city):
    make_user(username="taken.name", id_number=(taken := make_id_number()))
    events, people = AuditEvent.objects.count(), User.objects.count()
    with pytest.raises(InvalidInput) as refused:
        create(
            admin,
            city["police"],
            username="taken.name",
            full_name="  ",
            email="",
            id_number=taken,
            phone="12345",
        )
    assert set(refused.value.fields) == {"username", "full_name", "email", "id_number", "phone"}
    with translation.override("en"):
        fields = {name: [str(m) for m in found] for name, found in refused.value.fields.items()}
    assert "This user name is taken." in fields["username"]
    assert "An account with this identity number already exists." in fields["id_number"]
    assert (AuditEvent.objects.count(), User.objects.count()) == (events, people)
    assert mail.outbox == []


def test_an_identity_number_is_optional_and_checked_when_given(admin, city):
    with pytest.raises(InvalidInput) as refused:
        create(admin, city["police"], id_number="110105194912310021")
    assert list(refused.value.fields) == ["id_number"]
    officer = create(admin, city["police"], id_number="110105 19491231 002X")
    assert officer.id_number == "11010519491231002X"


@pytest.mark.parametrize(
    ("role", "where"),
    [(Role.SUPERVISOR, "police"), (Role.WINDOW_OFFICER, "market")],
)
def test_a_role_the_admin_may_not_grant_is_refused_on_record(admin, city, role, where):
    where_code = city[where].code
    with pytest.raises(Forbidden):
        create(admin, city[where], role=role)
    assert not User.objects.filter(username="officer.wang").exists()
    refusal = AuditEvent.objects.get(action="identity.account_created", outcome=Outcome.DENIED)
    assert refusal.actor_id == admin.pk
    assert refusal.detail == {"username": "officer.wang", "role": role, "department": where_code}
