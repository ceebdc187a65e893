"""The outbox's line for /healthz (notifications/health.py)."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from onewindow.conftest import make_user
from onewindow.notifications.health import backlog_warning
from onewindow.notifications.models import OutboxMessage, OutboxStatus
from onewindow.notifications.tests.conftest import make_message

pytestmark = pytest.mark.django_db


def test_messages_long_due_and_unsent_are_reported_with_those_that_failed_before():
    person = make_user()
    now = timezone.now()
    due = [make_message(recipient=person, dedupe_key=f"test:{n}") for n in range(3)]
    OutboxMessage.objects.filter(pk__in=[m.pk for m in due]).update(
        next_attempt_at=now - timedelta(minutes=20), created_at=now - timedelta(minutes=30)
    )
    OutboxMessage.objects.filter(pk=due[0].pk).update(attempts=2)
    # Not reported: one due a moment ago, one sent.
    make_message(recipient=person, dedupe_key="test:fresh")
    OutboxMessage.objects.filter(pk=due[2].pk).update(status=OutboxStatus.SENT)
    line = backlog_warning(now)
    assert line is not None
    assert line.startswith("outbox: 2 email/SMS message(s) due over 15 minutes ago are unsent")
    assert line.endswith("; 1 of them failed before (their last_error says why)")
    assert "manage.py deliver_outbox" in line


def test_nothing_long_due_is_no_line():
    make_message(recipient=make_user())
    assert backlog_warning() is None


def test_deliver_outbox_names_a_message_that_does_not_exist():
    with pytest.raises(CommandError, match="There is no outbox message 999999"):
        call_command("deliver_outbox", "--message", "999999")
