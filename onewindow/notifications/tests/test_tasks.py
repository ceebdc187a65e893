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


def test_the_sender_is_named_in_both_languages_and_encoded_for_mail(db):
    from email import message_from_bytes
    from email.header import decode_header, make_header

    message = make_message(recipient=make_user(), dedupe_key="named")
    deliver_message_task.delay(message.pk).get()
    [sent] = mail.outbox
    raw = message_from_bytes(sent.message().as_bytes())
    # RFC 2047 on the wire (a mail header is ASCII), the reader's mail program shows it.
    assert raw["From"].isascii()
    assert str(make_header(decode_header(raw["From"]))) == (
        "一网通办 OneWindow <noreply@onewindow.invalid>"
    )
