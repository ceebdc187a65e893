"""Delivery tasks that cannot be enqueued (kombu's ``OperationalError`` from the
task's ``apply_async``, as a broker out of reach gives): the notice is written all the
same, the failure is logged once per task with the rows' ids, the other chunks' tasks
still go, and the minute's sweep sends what was left pending (ADR 0013)."""

from __future__ import annotations

import logging
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction
from kombu.exceptions import OperationalError

from onewindow.core import after_commit
from onewindow.notifications import services
from onewindow.notifications.models import OutboxMessage, OutboxStatus
from onewindow.notifications.services import Notice
from onewindow.notifications.tasks import deliver_message_task, deliver_messages_task
from onewindow.notifications.tests.conftest import SAMPLES, make_recipient

REFUSED = OperationalError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")


def test_a_chunk_whose_task_is_lost_waits_for_the_sweep_and_the_others_go(
    db, django_capture_on_commit_callbacks, caplog, sms_outbox, monkeypatch
):
    monkeypatch.setattr(services, "DELIVERY_CHUNK", 2)  # a person's email and text message
    people = [make_recipient() for _ in range(3)]
    real = deliver_messages_task.apply_async
    sent: list[Any] = []

    def first_refused(*args: Any, **kwargs: Any) -> Any:
        sent.append(args)
        if len(sent) == 1:
            raise REFUSED
        return real(*args, **kwargs)

    with (
        mock.patch.object(deliver_messages_task, "apply_async", side_effect=first_refused),
        caplog.at_level(logging.ERROR, logger="onewindow"),
        django_capture_on_commit_callbacks(execute=True) as hooks,
        transaction.atomic(),
    ):
        notices = [
            Notice(
                recipient=person,
                kind="case_submitted",
                context=SAMPLES["case_submitted"],
                dedupe_key="case:1:submitted",
            )
            for person in people
        ]
        assert services.notify_all(notices) == 3
    assert (len(hooks), len(sent)) == (3, 3)
    rows = list(OutboxMessage.objects.order_by("pk"))
    assert len(rows) == 6
    lost, went = rows[:2], rows[2:]
    assert {m.status for m in lost} == {OutboxStatus.PENDING}
    assert {m.status for m in went} == {OutboxStatus.SENT}
    [record] = [r for r in caplog.records if r.msg == after_commit.NOT_ENQUEUED]
    assert isinstance(record.args, tuple) and record.args[:2] == (
        "onewindow.notifications.deliver_messages",
        f"outbox messages {lost[0].pk}, {lost[1].pk}",
    )
    assert "deliver_pending" in record.getMessage()
    # No address of the people in the log.
    assert not [m for m in rows if m.address in record.getMessage()]
    assert len(mail.outbox) == 2 and len(sms_outbox) == 2

    assert services.deliver_pending() == 2
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}
    assert len(mail.outbox) == 3 and len(sms_outbox) == 3


@pytest.mark.django_db(transaction=True)
def test_one_message_lost_at_a_real_commit_is_logged_and_swept(caplog, sms_outbox):
    person = make_recipient(phone="")  # email only: one row, one task
    with (
        mock.patch.object(deliver_message_task, "apply_async", side_effect=REFUSED),
        caplog.at_level(logging.ERROR, logger="onewindow"),
        transaction.atomic(),
    ):
        services.notify(
            recipient=person,
            kind="case_submitted",
            context=SAMPLES["case_submitted"],
            dedupe_key="case:1:submitted",
        )
    row = OutboxMessage.objects.get()
    assert row.status == OutboxStatus.PENDING and mail.outbox == []
    [record] = [r for r in caplog.records if r.msg == after_commit.NOT_ENQUEUED]
    assert isinstance(record.args, tuple) and record.args[:2] == (
        "onewindow.notifications.deliver_message",
        f"outbox message {row.pk}",
    )
    assert services.deliver_pending() == 1
    assert [m.to for m in mail.outbox] == [[person.email]]
