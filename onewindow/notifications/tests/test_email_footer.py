"""The email's footer ("sent automatically... do not reply") belongs to the email: the
site and the API show the message alone."""

from __future__ import annotations

import pytest

from onewindow.notifications import services
from onewindow.notifications.models import Notification, OutboxMessage
from onewindow.notifications.rendering import email_body, email_footer, render_message
from onewindow.notifications.services import Notice
from onewindow.notifications.tests.conftest import SAMPLES, make_recipient, notify
from onewindow.notifications.tests.test_api import headers
from onewindow.notifications.tests.test_views import logged_in

NO_REPLY = {
    "en": "This message was sent automatically by OneWindow. Please do not reply to it.",
    "zh-hans": "本消息由一网通办系统自动发送",
}


@pytest.mark.parametrize("language", sorted(NO_REPLY))
def test_the_footer_goes_below_the_message_in_an_email_only(language):
    _subject, body = render_message("case_decided", SAMPLES["case_decided"], language)
    assert NO_REPLY[language] not in body
    assert not body.rstrip().endswith("--")
    footer = email_footer(language)
    assert footer.startswith("--\n") and NO_REPLY[language] in footer
    assert email_body(body, footer) == f"{body}\n\n{footer}"


def test_the_site_shows_the_message_and_the_email_adds_the_footer(client, db):
    user = make_recipient(language="en")
    notify(user, "case_decided", link="/cases/310000-GA-20261122-0001/")
    note = Notification.objects.get(recipient=user)
    email = OutboxMessage.objects.get(recipient=user, channel="email")
    assert NO_REPLY["en"] not in note.body
    assert email.body == f"{note.body}\n\n{email_footer('en')}"
    sms = OutboxMessage.objects.get(recipient=user, channel="sms")
    assert NO_REPLY["en"] not in sms.body  # a text message is the subject
    html = logged_in(user).get("/notifications/").content.decode()
    assert "Note from the department:" in html  # the message is there
    assert "Please do not reply" not in html and "12345 citizen hotline" not in html
    # Nor in the API's copy, which is the in-app one.
    api = client.get("/api/v1/notifications", **headers(client, user))
    assert api.status_code == 200
    [shown] = api.json()
    assert shown["body"] == note.body


def test_each_email_of_a_batch_has_the_footer_in_its_readers_language(db):
    readers = [
        make_recipient(email="zh@example.invalid", language="zh-hans"),
        make_recipient(email="en@example.invalid", language="en"),
        make_recipient(email="zh2@example.invalid", language="zh-hans"),
    ]
    notices = [
        Notice(reader, "case_submitted", SAMPLES["case_submitted"], "test:batch", "/cases/x/")
        for reader in readers
    ]
    assert services.notify_all(notices) == 3
    for reader in readers:
        language = reader.preferred_language
        email = OutboxMessage.objects.get(recipient=reader, channel="email")
        note = Notification.objects.get(recipient=reader)
        assert email.body == f"{note.body}\n\n{email_footer(language)}"
        assert NO_REPLY[language] in email.body and NO_REPLY[language] not in note.body
