"""A forgotten password: a link by email, the same answer whether or not an account
matches, one link a quarter of an hour, a link that expires and works once, the site's
rules for the new password, a lockout lifted, everything audited."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.test import Client
from django.utils import timezone

from onewindow.audit.models import AuditEvent
from onewindow.conftest import PASSWORD, make_user
from onewindow.identity import tokens
from onewindow.identity.models import ApiToken

pytestmark = pytest.mark.django_db

ASK = "/password/forgotten/"
SENT = "/password/forgotten/sent/"
NEW = "Lujiazui-towers-in-fog-2026"
LINK = re.compile(r"http://testserver(/password/reset/[^/\s]+/[^/\s]+/)")


@pytest.fixture
def owner(db):
    return make_user(username="owner.li", email="Li.Owner@example.invalid", language="en")


def ask(login: str, client: Client | None = None, *, callbacks) -> Any:
    with callbacks(execute=True):
        return (client or Client()).post(ASK, {"login": login})


def link_in(message) -> str:
    found = LINK.search(message.body)
    assert found, message.body
    return found.group(1)


def test_the_login_page_leads_to_it(db):
    assert f'href="{ASK}"' in Client().get("/login/").content.decode()


@pytest.mark.parametrize("login", ["owner.li", "li.owner@EXAMPLE.invalid", "  owner.li  "])
def test_a_link_is_emailed_in_the_owners_language(owner, login, django_capture_on_commit_callbacks):
    response = ask(login, callbacks=django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == SENT
    [message] = mail.outbox
    assert message.to == ["Li.Owner@example.invalid"]
    assert message.subject == "Set a new password for OneWindow"
    assert "within 60 minutes" in message.body and "owner.li" in message.body
    link_in(message)
    assert (
        AuditEvent.objects.filter(
            action="identity.password_reset_requested", target_id=str(owner.pk)
        ).count()
        == 1
    )


@pytest.mark.parametrize("login", ["nobody.here", "nobody@example.invalid", "no.email"])
def test_the_answer_is_the_same_when_nothing_is_sent(
    login, owner, django_capture_on_commit_callbacks
):
    make_user(username="no.email")  # an account without an email address
    response = ask(login, callbacks=django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == SENT
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(action="identity.password_reset_requested").exists()


def test_the_sent_page_says_how_long_the_link_works(db):
    html = Client().get(SENT).content.decode()
    assert "链接在 60 分钟内有效" in html


def test_an_empty_request_is_answered_at_its_field(db):
    response = Client().post(ASK, {"login": ""})
    assert response.status_code == 422
    assert response.context["form"].errors["login"] == ["请输入用户名或电子邮箱。"]


def test_one_link_a_quarter_of_an_hour(owner, django_capture_on_commit_callbacks):
    ask("owner.li", callbacks=django_capture_on_commit_callbacks)
    ask("owner.li", callbacks=django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        ask("owner.li", callbacks=django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2


def open_link(owner, callbacks) -> tuple[Client, str]:
    """A client that followed the emailed link, and the form's address it landed on."""
    ask("owner.li", callbacks=callbacks)
    client = Client()
    landing = client.get(link_in(mail.outbox[-1]))
    # The token leaves the address for the session, so it cannot leak as a Referer.
    assert landing.status_code == 302 and landing["Location"].endswith("/set-password/")
    return client, landing["Location"]


def test_the_link_sets_a_new_password_once(owner, django_capture_on_commit_callbacks):
    _token, api_token = tokens.issue_token(user=owner)
    elsewhere = Client()
    assert (
        elsewhere.post("/login/", {"username": "owner.li", "password": PASSWORD}).status_code == 302
    )
    client, form_page = open_link(owner, django_capture_on_commit_callbacks)
    page = client.get(form_page)
    assert page.status_code == 200
    assert 'autocomplete="new-password"' in page.content.decode()

    done = client.post(form_page, {"new_password": NEW, "new_password_again": NEW})

    assert done.status_code == 302 and done["Location"] == "/login/"
    assert "新密码已设置" in client.get("/login/").content.decode()
    owner.refresh_from_db()
    assert owner.check_password(NEW)
    api_token.refresh_from_db()
    assert api_token.revoked_at is not None
    assert elsewhere.get("/account/").status_code == 302  # signed out there
    event = AuditEvent.objects.get(action="identity.password_changed")
    assert event.detail == {"tokens_revoked": 1, "by": "reset link"}
    # Used once: the same link, and the form's address, no longer work.
    again = Client().get(link_in(mail.outbox[-1]))
    assert again.status_code == 200 and "此链接无效" in again.content.decode()
    assert (
        client.post(form_page, {"new_password": NEW, "new_password_again": NEW}).status_code == 200
    )
    assert "此链接无效" in client.get(form_page).content.decode()


def test_a_new_password_against_the_rules_is_refused_at_its_field(
    owner, django_capture_on_commit_callbacks
):
    client, form_page = open_link(owner, django_capture_on_commit_callbacks)
    weak = client.post(
        form_page, {"new_password": "owner.li-2026", "new_password_again": "owner.li-2026"}
    )
    assert weak.status_code == 422
    assert weak.context["form"].errors["new_password"] == ["密码跟 用户名 太相似了。"]
    differing = client.post(form_page, {"new_password": NEW, "new_password_again": NEW + "?"})
    assert differing.status_code == 422
    assert differing.context["form"].errors["new_password_again"] == ["两次输入的新密码不一致。"]
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="identity.password_changed").exists()


def test_the_link_expires_after_an_hour(owner, monkeypatch, django_capture_on_commit_callbacks):
    ask("owner.li", callbacks=django_capture_on_commit_callbacks)
    # The generator's clock, which Django leaves to be mocked in tests (time_machine's
    # naive "now" ignores the TZ Django sets, so it moves that clock by hours).
    later = datetime.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda _self: later)
    page = Client().get(link_in(mail.outbox[-1]))
    assert page.status_code == 200 and "此链接无效" in page.content.decode()
    assert f'href="{ASK}"' in page.content.decode()


@pytest.mark.parametrize("path", ["/password/reset/xx/yy/", "/password/reset/MQ/set-password/"])
def test_a_made_up_link_does_not_work(owner, path):
    page = Client().get(path)
    assert page.status_code == 200 and "此链接无效" in page.content.decode()


def test_setting_the_new_password_lifts_a_lockout(owner, django_capture_on_commit_callbacks):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post("/login/", {"username": "owner.li", "password": "wrong-password-123"})
    assert (
        Client().post("/login/", {"username": "owner.li", "password": PASSWORD}).status_code == 429
    )
    client, form_page = open_link(owner, django_capture_on_commit_callbacks)
    client.post(form_page, {"new_password": NEW, "new_password_again": NEW})
    assert Client().post("/login/", {"username": "owner.li", "password": NEW}).status_code == 302
    assert not ApiToken.objects.filter(user=owner, revoked_at__isnull=True).exists()
