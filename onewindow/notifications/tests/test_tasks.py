from django.conf import settings
from django.core import mail

from onewindow.conftest import make_user
from onewindow.notifications.tasks import deliver_message_task, deliver_pending_task
from onewindow.notifications.tests.conftest import make_message


def test_tasks_are_named_and_scheduled():
    assert deliver_message_task.name == "onewindow.notifications.deliver_message"
    assert deliver_pending_task.name == "onewindow.notifications.deliver_pending"
    schedule = settings.CELERY_BEAT_SCHEDULE["notifications-deliver-pending"]
    assert (schedule["task"], schedule["schedule"]) == (deliver_pending_task.name, 60.0)


def test_the_tasks_deliver_and_repeat_harmlessly(db):
    one = make_message(recipient=make_user(), dedupe_key="one")
    make_message(recipient=make_user(), dedupe_key="two")
    assert deliver_message_task.delay(one.pk).get() is True
    assert deliver_message_task.delay(one.pk).get() is False
    assert deliver_pending_task.delay().get() == 1
    assert deliver_pending_task.delay().get() == 0
    assert len(mail.outbox) == 2
