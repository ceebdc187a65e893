from unittest import mock

from django.core import mail

from onewindow.cases.models import Notification
from onewindow.cases.tasks import email_notification
from onewindow.cases.tests.conftest import PASSPORT, submit


def test_the_email_is_queued_after_commit_not_sent_in_the_request(
    world, django_capture_on_commit_callbacks
):
    user = world["citizen.chen"]
    with mock.patch.object(email_notification, "delay") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            case = submit(user, PASSPORT)
        assert not delay.called  # nothing leaves before the commit
        for callback in callbacks:
            callback()
        notification = Notification.objects.get(case=case)
        delay.assert_called_once_with(notification.pk)
    assert mail.outbox == []  # queued, not sent


def test_the_task_sends_the_stored_notification_and_is_safe_to_repeat(world):
    user = world["citizen.chen"]
    case = submit(user, PASSPORT)
    notification = Notification.objects.get(case=case)
    mail.outbox.clear()
    assert email_notification(notification.pk) is True
    assert email_notification(notification.pk) is True
    assert [m.subject for m in mail.outbox] == [notification.subject] * 2
    assert mail.outbox[0].to == [user.email]
    assert email_notification(10**9) is False
