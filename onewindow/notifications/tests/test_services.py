import logging
import smtplib
import threading
import time
from datetime import timedelta
from typing import Any, ClassVar

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.utils import timezone

from onewindow.conftest import make_user, run_all
from onewindow.notifications import services
from onewindow.notifications.channels import message_id
from onewindow.notifications.models import Notification, OutboxMessage, OutboxStatus
from onewindow.notifications.tests.conftest import SAMPLES, make_message, make_recipient, notify

TESTS = "onewindow.notifications.tests.test_services"


class FlakyBackend(BaseEmailBackend):
    """Refuses the first ``failures`` sends like a mail server going away, then sends."""

    failures: ClassVar[int] = 0
    sent: ClassVar[list[Any]] = []

    def send_messages(self, email_messages: Any) -> int:
        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        FlakyBackend.sent.extend(email_messages)
        return len(email_messages)


class SlowBackend(BaseEmailBackend):
    """Takes a while per message, so two senders overlap; records what it sent."""

    sent: ClassVar[list[str]] = []
    lock = threading.Lock()

    def send_messages(self, email_messages: Any) -> int:
        time.sleep(0.02)
        with SlowBackend.lock:
            SlowBackend.sent.extend(m.extra_headers["Message-ID"] for m in email_messages)
        return len(email_messages)


@pytest.fixture
def flaky(settings):  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = f"{TESTS}.FlakyBackend"
    FlakyBackend.sent = []
    FlakyBackend.failures = 0
    return FlakyBackend


class Boom(Exception):
    pass


# --- notify -----------------------------------------------------------------------


def test_notify_writes_in_app_and_outbox_rows_in_the_recipients_language(db):
    user = make_recipient(language="en")
    assert notify(user, "case_submitted", link="/cases/310000-GA-20261122-0001/")
    note = Notification.objects.get(recipient=user)
    assert (note.kind, note.case_number, note.link, note.read_at) == (
        "case_submitted",
        "310000-GA-20261122-0001",
        "/cases/310000-GA-20261122-0001/",
        None,
    )
    assert note.subject == "Application 310000-GA-20261122-0001 received"
    rows = {m.channel: m for m in OutboxMessage.objects.filter(recipient=user)}
    assert set(rows) == {"email", "sms"}
    assert rows["email"].address == "person@example.invalid"
    assert rows["email"].subject == note.subject
    # The email is the in-app message with the email's footer, which the site leaves out.
    assert rows["email"].body.startswith(f"{note.body}\n\n--\n")
    assert rows["email"].body.endswith("For help, call the 12345 citizen hotline.")
    assert "Please do not reply" in rows["email"].body and "Please do not reply" not in note.body
    assert rows["sms"].address == "13800000000"
    assert rows["sms"].body.startswith("[OneWindow] Application 310000-GA-20261122-0001 received")
    assert {m.status for m in rows.values()} == {OutboxStatus.PENDING}


def test_delivery_happens_after_commit(db, django_capture_on_commit_callbacks, sms_outbox):
    user = make_recipient()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify(user, "supplement_requested")
        assert mail.outbox == [] and sms_outbox == []  # nothing inside the transaction
    assert len(callbacks) == 1  # one task sends the email and the text message
    [email] = mail.outbox
    row = OutboxMessage.objects.get(recipient=user, channel="email")
    assert email.to == ["person@example.invalid"]
    assert email.subject == "您的办件 310000-GA-20261122-0001 需要补正材料"
    assert email.extra_headers["Message-ID"] == message_id(row)
    assert email.extra_headers["Auto-Submitted"] == "auto-generated"
    assert "身份证：照片不清晰" in email.body
    [(phone, text, key)] = sms_outbox
    assert phone == "13800000000" and "需要补正材料" in text
    sms_row = OutboxMessage.objects.get(recipient=user, channel="sms")
    assert key.startswith(f"{sms_row.pk}.")
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {("sent", 1)}


def test_a_rolled_back_change_leaves_nothing_and_sends_nothing(
    db, django_capture_on_commit_callbacks, sms_outbox
):
    user = make_recipient()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(Boom),
        transaction.atomic(),
    ):
        services.notify(
            recipient=user,
            kind="case_submitted",
            context=SAMPLES["case_submitted"],
            dedupe_key="case:1:submitted",
        )
        raise Boom
    assert not Notification.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert mail.outbox == [] and sms_outbox == []


def test_the_same_event_notifies_once(db, django_capture_on_commit_callbacks, sms_outbox):
    user, other = make_recipient(), make_recipient(email="other@example.invalid")
    with django_capture_on_commit_callbacks(execute=True):
        assert notify(user, dedupe_key="case:7:submitted") is True
    with django_capture_on_commit_callbacks(execute=True):
        assert notify(user, dedupe_key="case:7:submitted") is False
        # The key is per recipient: someone else hears of the same event.
        assert notify(other, dedupe_key="case:7:submitted") is True
    assert Notification.objects.filter(recipient=user).count() == 1
    assert OutboxMessage.objects.filter(recipient=user).count() == 2
    assert [m.to for m in mail.outbox] == [["person@example.invalid"], ["other@example.invalid"]]
    assert len(sms_outbox) == 2


def test_settling_marks_read_every_unread_notice_of_the_event_and_no_other(db):
    asked, also_asked = make_recipient(), make_recipient(email="other@example.invalid")
    with transaction.atomic():
        notify(asked, dedupe_key="extension:3:requested")
        notify(also_asked, dedupe_key="extension:3:requested")
        notify(asked, dedupe_key="extension:4:requested")
    services.mark_read(
        user=also_asked,
        notification_id=Notification.objects.get(recipient=also_asked).pk,
    )
    assert services.settle(dedupe_key="extension:3:requested") == 1
    unread = Notification.objects.filter(read_at__isnull=True)
    assert list(unread.values_list("dedupe_key", flat=True)) == ["extension:4:requested"]


def test_a_concurrent_duplicate_leaves_the_callers_transaction_usable(db, monkeypatch):
    user = make_recipient()
    notify(user, dedupe_key="task:3:decided", context=SAMPLES["case_submitted"])
    # As if another transaction inserted the same rows between our check and our insert.
    monkeypatch.setattr(services, "_already_notified", lambda *args: False)
    with transaction.atomic():
        assert not services.notify(
            recipient=user,
            kind="case_submitted",
            context=SAMPLES["case_submitted"],
            dedupe_key="task:3:decided",
        )
        assert Notification.objects.filter(recipient=user).count() == 1


def channels_of(user: Any) -> list[str]:
    return sorted(OutboxMessage.objects.filter(recipient=user).values_list("channel", flat=True))


def test_channels_follow_the_recipient_the_kind_and_the_configuration(db, settings):
    officer = make_recipient()
    notify(officer, "task_overdue")
    assert channels_of(officer) == ["email"]  # officers' kinds never go by SMS
    no_email = make_recipient(email="")
    notify(no_email, "case_overdue")
    assert channels_of(no_email) == ["sms"]
    only_inapp = make_recipient()
    notify(only_inapp, "case_overdue", channels=("inapp",))
    assert Notification.objects.filter(recipient=only_inapp).exists()
    assert channels_of(only_inapp) == []
    settings.SMS_BACKEND = ""  # ONEWINDOW_SMS_BACKEND=null
    no_sms = make_recipient()
    notify(no_sms, "case_overdue")
    assert channels_of(no_sms) == ["email"]
    email_only = make_recipient()
    notify(email_only, "case_overdue", channels=("email",))
    assert not Notification.objects.filter(recipient=email_only).exists()
    # Idempotent across channels too: the outbox row is enough to refuse a repeat.
    assert not notify(email_only, "case_overdue")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kind": "case_lost"}, "unknown notification kind"),
        ({"context": {"number": "1"}}, "needs context"),
        ({"dedupe_key": ""}, "dedupe key"),
        ({"link": "https://elsewhere.example/"}, "path of this site"),
        ({"link": "//elsewhere.example/"}, "path of this site"),
        ({"link": "/\\elsewhere.example/"}, "path of this site"),  # a browser reads //
        ({"channels": ("pigeon",)}, "unknown notification channels"),
    ],
)
def test_mistakes_of_the_calling_code_are_refused(db, changes, message):
    options: dict[str, Any] = {
        "recipient": make_user(),
        "kind": "case_submitted",
        "context": SAMPLES["case_submitted"],
        "dedupe_key": "k",
        **changes,
    }
    with pytest.raises(ValueError, match=message), transaction.atomic():
        services.notify(**options)


@pytest.mark.django_db(transaction=True)
def test_notify_outside_a_transaction_is_refused():
    user = make_user()
    with pytest.raises(RuntimeError, match="inside the caller's transaction"):
        services.notify(
            recipient=user, kind="case_submitted", context=SAMPLES["case_submitted"], dedupe_key="k"
        )
    assert not Notification.objects.exists()


# --- delivery ---------------------------------------------------------------------


def test_failures_are_retried_with_backoff_then_sent(db, flaky):
    flaky.failures = 2
    message = make_message(recipient=make_user())
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        assert services.deliver_message(message_id=message.pk) is False
        message.refresh_from_db()
        assert (message.status, message.attempts) == ("pending", 1)
        assert message.next_attempt_at == start + timedelta(minutes=1)
        assert message.last_error.startswith("SMTPServerDisconnected")
        # Not due yet: nothing happens.
        assert services.deliver_message(message_id=message.pk) is False
        assert services.deliver_pending() == 0
        clock.shift(timedelta(seconds=61))
        assert services.deliver_pending() == 0
        message.refresh_from_db()
        assert message.attempts == 2
        assert message.next_attempt_at == timezone.now() + timedelta(minutes=2)
        clock.shift(timedelta(minutes=2))
        assert services.deliver_pending() == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("sent", 3, "")
    assert message.sent_at is not None
    assert len(flaky.sent) == 1


def test_delivery_gives_up_after_eight_attempts_and_logs_an_error(db, flaky, caplog):
    flaky.failures = 100
    message = make_message(recipient=make_user())
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for attempt in range(1, services.MAX_ATTEMPTS + 1):
            services.deliver_message(message_id=message.pk)
            clock.shift(services.retry_delay(attempt) + timedelta(seconds=1))
        message.refresh_from_db()
        assert (message.status, message.attempts) == ("failed", services.MAX_ATTEMPTS)
        assert services.deliver_message(message_id=message.pk) is False
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and f"outbox message {message.pk}" in errors[0].getMessage()
    assert flaky.sent == []


def test_a_sent_message_is_never_sent_again(db, sms_outbox):
    message = make_message(recipient=make_user())
    sms = make_message(recipient=make_user(), channel="sms", address="13900000000")
    assert services.deliver_pending() == 2
    assert services.deliver_message(message_id=message.pk) is False
    assert services.deliver_message(message_id=sms.pk) is False
    assert services.deliver_pending() == 0
    assert len(mail.outbox) == 1 and len(sms_outbox) == 1


def test_message_ids_are_stable_per_row_and_distinct_between_rows(db):
    user = make_user()
    first = make_message(recipient=user, dedupe_key="a")
    second = make_message(recipient=user, dedupe_key="b")
    reread = OutboxMessage.objects.get(pk=first.pk)
    assert message_id(first) == message_id(reread)
    assert message_id(first) != message_id(second)
    assert message_id(first).startswith(f"<outbox.{first.pk}.")
    assert message_id(first).endswith("@onewindow.invalid>")


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_message_once(settings):
    settings.EMAIL_BACKEND = f"{TESTS}.SlowBackend"
    SlowBackend.sent = []
    user = make_user()
    rows = [make_message(recipient=user, dedupe_key=f"k{i}") for i in range(12)]
    counts: list[int] = []
    errors: list[BaseException] = []

    def sweep() -> None:
        try:
            counts.append(services.deliver_pending())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    run_all([threading.Thread(target=sweep) for _ in range(2)])
    assert errors == []
    assert sum(counts) == len(rows)
    assert sorted(SlowBackend.sent) == sorted({message_id(row) for row in rows})
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}
