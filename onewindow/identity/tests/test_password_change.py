"""Changing one's own password: the current one shown first (wrong guesses count
towards the lockout), the site's rules for the new one, every problem in one round,
this session kept and the others ended, API tokens revoked, the change audited."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from onewindow.audit.models import AuditEvent
from onewindow.conftest import PASSWORD, holder_logged_in
from onewindow.core.errors import InvalidInput
from onewindow.identity import services, tokens
from onewindow.identity.models import ApiToken
from onewindow.identity.roles import Role

pytestmark = pytest.mark.django_db

NEW = "Huangpu-river-at-dawn-2026"
PAGE = "/account/password/"


def logged_in(user) -> Client:
    client = Client()
    assert (
        client.post("/login/", {"username": user.username, "password": PASSWORD}).status_code == 302
    )
    return client


def change(client: Client, current: str = PASSWORD, new: str = NEW, again: str | None = None):
    return client.post(
        PAGE,
        {
            "current_password": current,
            "new_password": new,
            "new_password_again": new if again is None else again,
        },
    )


def test_the_page_asks_for_the_current_password_and_the_new_one_twice(citizen):
    html = logged_in(citizen).get(PAGE).content.decode()
    for name, autocomplete in (
        ("current_password", "current-password"),
        ("new_password", "new-password"),
        ("new_password_again", "new-password"),
    ):
        assert f'<label for="id_{name}"' in html
        assert f'name="{name}"' in html and f'autocomplete="{autocomplete}"' in html


def test_the_account_page_links_to_it(citizen):
    assert f'href="{PAGE}"' in logged_in(citizen).get("/account/").content.decode()


def test_a_visitor_is_sent_to_log_in(db):
    response = Client().get(PAGE)
    assert response.status_code == 302 and response["Location"] == f"/login/?next={PAGE}"


def test_the_change_keeps_this_session_ends_the_others_and_revokes_the_tokens(citizen):
    here, elsewhere = logged_in(citizen), logged_in(citizen)
    _token, active = tokens.issue_token(user=citizen)
    _old, revoked_before = tokens.issue_token(user=citizen)
    tokens.revoke_token(user=citizen, token_id=revoked_before.pk)

    response = change(here)

    assert response.status_code == 302 and response["Location"] == "/account/"
    page = here.get("/account/")
    assert page.status_code == 200
    assert "您的密码已更改" in page.content.decode()
    assert elsewhere.get("/account/").status_code == 302  # signed out there
    citizen.refresh_from_db()
    assert citizen.check_password(NEW) and not citizen.check_password(PASSWORD)
    active.refresh_from_db()
    assert active.revoked_at is not None
    event = AuditEvent.objects.get(action="identity.password_changed")
    assert event.actor_id == citizen.pk and event.target_id == str(citizen.pk)
    # The one revoked before is not counted.
    assert event.detail == {"tokens_revoked": 1, "by": "password"}


def test_every_problem_is_reported_in_one_round_and_nothing_changes(citizen):
    client = logged_in(citizen)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    tokens.issue_token(user=citizen)

    response = change(client, current="not-my-password-1", new="short", again="short")

    assert response.status_code == 422
    form = response.context["form"]
    assert form.errors["current_password"] == ["Your current password is wrong."]
    assert form.errors["new_password"] == [
        "This password is too short: it needs at least 12 characters."
    ]
    html = response.content.decode()
    assert 'href="#id_current_password"' in html and 'href="#id_new_password"' in html
    citizen.refresh_from_db()
    assert citizen.check_password(PASSWORD)
    assert ApiToken.objects.filter(user=citizen, revoked_at__isnull=True).count() == 1
    assert not AuditEvent.objects.filter(action="identity.password_changed").exists()
    # The wrong current password was a failed password check, audited as one.
    assert AuditEvent.objects.filter(
        action="identity.login", outcome="failure", detail={"username": citizen.username}
    ).exists()


def test_differing_copies_do_not_hide_the_other_problems(citizen):
    """With the copies differing, only that was said; the rest came in a second round."""
    response = change(logged_in(citizen), current="not-my-password-1", new="abc", again="abd")
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert set(errors) == {"current_password", "new_password", "new_password_again"}
    citizen.refresh_from_db()
    assert citizen.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("current", "new", "again", "field", "message"),
    [
        ("", NEW, NEW, "current_password", "请输入当前密码。"),
        (PASSWORD, PASSWORD, PASSWORD, "new_password", "新密码不能与当前密码相同。"),
        (PASSWORD, NEW, NEW + "x", "new_password_again", "两次输入的新密码不一致。"),
        (PASSWORD, NEW, "", "new_password_again", "请再次输入新密码。"),
        (PASSWORD, "citizen.a-2026", "citizen.a-2026", "new_password", "密码跟 用户名 太相似了。"),
    ],
)
def test_each_refusal_is_said_at_its_field_in_chinese(citizen, current, new, again, field, message):
    response = change(logged_in(citizen), current, new, again)
    assert response.status_code == 422
    assert message in response.context["form"].errors[field]
    citizen.refresh_from_db()
    assert citizen.check_password(PASSWORD)


def test_guessing_the_current_password_locks_the_account_and_signs_out(citizen):
    client = logged_in(citizen)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert change(client, current="guess-password-123").status_code == 422
    locked = change(client, current="guess-password-123")
    assert locked.status_code == 429
    assert "该账号已被暂时锁定" in locked.content.decode()
    # The login form comes empty: its fields were not what was wrong (QA).
    assert not locked.context["form"].errors
    assert 'aria-invalid="true"' not in locked.content.decode()
    assert client.get("/account/").status_code == 302  # signed out
    # Locked for the right password too, here and at the login page.
    assert (
        Client().post("/login/", {"username": citizen.username, "password": PASSWORD}).status_code
        == 429
    )
    citizen.refresh_from_db()
    assert citizen.check_password(PASSWORD)


def test_the_service_refuses_a_password_against_the_rules_whoever_calls_it(citizen):
    with pytest.raises(InvalidInput) as refused:
        services.set_password(user=citizen, password="password1234")
    assert "new_password" in refused.value.fields
    citizen.refresh_from_db()
    assert citizen.check_password(PASSWORD)


def test_the_admin_sites_password_change_is_the_sites_own(city):
    client, _user = holder_logged_in(Role.PLATFORM_ADMIN, city["root"], staff=True)
    response = client.get("/django-admin/password_change/")
    assert response.status_code == 302 and response["Location"] == PAGE
