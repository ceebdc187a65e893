"""The identity app's emails while the message broker is down (kombu's
``OperationalError`` from the tasks' ``apply_async``, as a closed port gives): the
pages answer as they always do, the change stands, the failure is logged once for an
operator (the task and the user's id, nothing of the person), and the person can ask
again. Nothing sends these later: they go by their own tasks, not the outbox.

Transactional: the commit hooks run inside the request, as in production, so a hook
that raised would fail the answer."""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from kombu.exceptions import OperationalError

from onewindow.audit.models import AuditEvent
from onewindow.conftest import PASSWORD, holder_logged_in, make_user
from onewindow.core import after_commit
from onewindow.identity.models import RoleAssignment, User
from onewindow.identity.roles import Role
from onewindow.identity.tasks import (
    send_enrolment_code,
    send_lockout_notice,
    send_officer_account_created,
    send_password_reset,
    send_two_factor_reset_notice,
)

pytestmark = pytest.mark.django_db(transaction=True)

REFUSED = OperationalError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")
ASK = "/password/forgotten/"
SENT = "/password/forgotten/sent/"
LINK = re.compile(r"http://testserver(/password/reset/[^/\s]+/[^/\s]+/)")


def broker_down(task: Any) -> Any:
    """Sending ``task`` raises as kombu does when the broker is out of reach."""
    return mock.patch.object(task, "apply_async", side_effect=REFUSED)


def not_enqueued(caplog: pytest.LogCaptureFixture) -> list[tuple[str, str]]:
    """(task, object) of each failed enqueue logged."""
    found = []
    for record in caplog.records:
        if record.msg == after_commit.NOT_ENQUEUED:
            assert record.levelno == logging.ERROR and record.exc_info is not None
            assert isinstance(record.args, tuple)
            found.append((str(record.args[0]), str(record.args[1])))
    return found


@pytest.fixture
def owner(db: None) -> User:
    return make_user(username="owner.li", email="li.owner@example.invalid", language="en")


def test_a_forgotten_password_is_answered_as_always_and_can_be_asked_again(owner, caplog):
    with broker_down(send_password_reset), caplog.at_level(logging.ERROR, logger="onewindow"):
        response = Client().post(ASK, {"login": "owner.li"})
    assert response.status_code == 302 and response["Location"] == SENT
    assert Client().get(SENT).status_code == 200
    assert mail.outbox == []
    assert AuditEvent.objects.filter(
        action="identity.password_reset_requested", target_id=str(owner.pk)
    ).exists()
    assert not_enqueued(caplog) == [("onewindow.identity.send_password_reset", f"user {owner.pk}")]
    # Nothing else failed on the way: no hook's failure reported by Django itself.
    assert [r.name for r in caplog.records if r.levelno >= logging.ERROR] == [
        "onewindow.core.after_commit"
    ]

    # The broker back, the person asks again, as the page says, after the quarter hour.
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        again = Client().post(ASK, {"login": "li.owner@example.invalid"})
    assert again.status_code == 302 and again["Location"] == SENT
    [message] = mail.outbox
    assert message.to == ["li.owner@example.invalid"] and LINK.search(message.body)


def test_a_new_officers_account_stands_and_its_link_can_be_asked_for(city, caplog):
    client, _admin = holder_logged_in(Role.DEPARTMENT_ADMIN, city["police"])
    details = {
        "username": "officer.new",
        "full_name": "新警官",
        "email": "new@example.invalid",
        "role": Role.WINDOW_OFFICER,
        "preferred_language": "zh-hans",
    }
    with (
        broker_down(send_officer_account_created),
        caplog.at_level(logging.ERROR, logger="onewindow"),
    ):
        response = client.post("/officer/departments/310000-GA/officers/new/", details)
    assert response.status_code == 302
    assert response["Location"] == "/officer/departments/310000-GA/"
    officer = User.objects.get(username="officer.new")
    assert RoleAssignment.objects.filter(user=officer, role=Role.WINDOW_OFFICER).exists()
    assert mail.outbox == []
    assert not_enqueued(caplog) == [
        ("onewindow.identity.send_officer_account_created", f"user {officer.pk}")
    ]
    # What the log tells the operator: the officer gets a link on the login page.
    assert Client().post(ASK, {"login": "officer.new"})["Location"] == SENT
    [message] = mail.outbox
    assert message.to == ["new@example.invalid"] and LINK.search(message.body)


def test_an_enrolment_code_can_be_asked_for_again_after_the_minute(city, caplog):
    officer = make_user(
        roles=[(Role.REVIEWING_OFFICER, city["market"])], email="zhou@example.invalid"
    )
    client = Client()
    login = client.post("/login/", {"username": officer.username, "password": PASSWORD})
    assert login.status_code == 302
    with broker_down(send_enrolment_code), caplog.at_level(logging.ERROR, logger="onewindow"):
        page = client.get("/account/2fa/")
    assert page.status_code == 200
    assert 'name="mailbox_code"' in page.content.decode()
    assert mail.outbox == []
    assert not_enqueued(caplog) == [
        ("onewindow.identity.send_enrolment_code", f"user {officer.pk}")
    ]

    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        again = client.post("/account/2fa/", {"send_code": "1"})
    assert again.status_code == 302
    [message] = mail.outbox
    assert message.to == ["zhou@example.invalid"]


def test_a_second_factor_reset_is_done_without_its_notice(city, caplog):
    officer = make_user(
        roles=[(Role.WINDOW_OFFICER, city["police"])], with_totp=True, email="lost@example.invalid"
    )
    client, _admin = holder_logged_in(Role.DEPARTMENT_ADMIN, city["police"])
    url = f"/officer/departments/310000-GA/officers/{officer.pk}/reset-two-factor/"
    with (
        broker_down(send_two_factor_reset_notice),
        caplog.at_level(logging.ERROR, logger="onewindow"),
    ):
        response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == "/officer/departments/310000-GA/"
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert AuditEvent.objects.filter(action="identity.two_factor_reset").count() == 1
    assert mail.outbox == []
    assert not_enqueued(caplog) == [
        ("onewindow.identity.send_two_factor_reset_notice", f"user {officer.pk}")
    ]


def test_a_lockout_holds_and_the_login_page_answers_without_its_notice(db, caplog):
    user = make_user(email="owner@example.invalid")
    client = Client()
    wrong = {"username": user.username, "password": "wrong-password-123"}
    with broker_down(send_lockout_notice), caplog.at_level(logging.ERROR, logger="onewindow"):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            client.post("/login/", wrong)
        response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert mail.outbox == []
    locked = AuditEvent.objects.filter(action="identity.locked_out").order_by("seq").first()
    assert locked is not None
    # Logged by the audit record, not by the user name.
    assert not_enqueued(caplog) == [
        ("onewindow.identity.send_lockout_notice", f"the account locked in audit event {locked.pk}")
    ]
    assert not [r for r in caplog.records if user.username in r.getMessage()]
