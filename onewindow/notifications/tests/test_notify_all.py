"""notify_all: many notices in a few queries, with exactly what notify() one after the
other would have written."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from onewindow.identity.models import User
from onewindow.notifications import services
from onewindow.notifications.models import Notification, OutboxMessage
from onewindow.notifications.services import Notice
from onewindow.notifications.tests.conftest import SAMPLES, make_recipient

KINDS = ("case_submitted", "task_overdue", "task_reminder", "case_overdue")


class Undo(Exception):
    pass


def notices(users: list[User]) -> list[Notice]:
    return [
        Notice(
            recipient=user,
            kind=kind,
            context=SAMPLES.get(kind, SAMPLES["case_extended"]),
            dedupe_key=f"test:{kind}",
            link="/cases/310000-GA-20261122-0001/",
        )
        for user in users
        for kind in KINDS
    ]


def written() -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = [
        ("inapp", n.recipient_id, n.kind, n.case_number, n.subject, n.body, n.link, n.dedupe_key)
        for n in Notification.objects.order_by("recipient_id", "dedupe_key")
    ]
    rows += [
        (m.channel, m.recipient_id, m.address, m.subject, m.body, m.dedupe_key, m.status)
        for m in OutboxMessage.objects.order_by("recipient_id", "dedupe_key", "channel")
    ]
    return rows


def test_the_same_rows_as_notify_one_after_the_other(db: None) -> None:
    users = [make_recipient(), make_recipient(language="en", phone="")]
    sequential: list[tuple[Any, ...]] = []
    with pytest.raises(Undo), transaction.atomic():
        for notice in notices(users):
            assert services.notify(
                recipient=notice.recipient,
                kind=notice.kind,
                context=notice.context,
                dedupe_key=notice.dedupe_key,
                link=notice.link,
            )
        sequential = written()
        raise Undo
    assert written() == []
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        assert services.notify_all(notices(users)) == 8
    assert written() == sequential
    assert len(sequential) == 8 + 8 + 2  # in-app; email for both; SMS for the applicant kinds
    assert len(queries) <= 8


def test_repeats_and_events_already_told_are_left_out(db: None) -> None:
    first, second = make_recipient(), make_recipient(email="second@example.invalid")
    told = Notice(first, "case_submitted", SAMPLES["case_submitted"], "case:7:submitted")
    with transaction.atomic():
        assert services.notify_all([told]) == 1
    again = Notice(second, "case_submitted", SAMPLES["case_submitted"], "case:7:submitted")
    with transaction.atomic():
        assert services.notify_all([told, again, again]) == 1
        assert services.notify_all([told, again]) == 0
    assert sorted(Notification.objects.values_list("recipient_id", flat=True)) == [
        first.pk,
        second.pk,
    ]


def test_delivery_after_commit_in_chunks(
    db: None, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(services, "DELIVERY_CHUNK", 2)
    users = [make_recipient(email=f"{n}@example.invalid", phone="") for n in range(5)]
    batch = [Notice(user, "task_overdue", SAMPLES["task_overdue"], "clock:1") for user in users]
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        services.notify_all(batch)
        assert mail.outbox == []
    assert len(callbacks) == 3  # 2 + 2 + 1 messages
    assert sorted(m.to[0] for m in mail.outbox) == [f"{n}@example.invalid" for n in range(5)]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}


def test_a_concurrent_duplicate_leaves_out_that_one_only(db: None, monkeypatch: Any) -> None:
    first, second = make_recipient(), make_recipient(email="second@example.invalid")
    with transaction.atomic():
        services.notify_all([Notice(first, "task_overdue", SAMPLES["task_overdue"], "k")])
    # As if another transaction inserted a row between our check and our insert.
    monkeypatch.setattr(services, "_notified", lambda notices: set())
    monkeypatch.setattr(services, "_already_notified", lambda *args: False)
    batch = [Notice(user, "task_overdue", SAMPLES["task_overdue"], "k") for user in (first, second)]
    with transaction.atomic():
        assert services.notify_all(batch) == 1
        assert Notification.objects.filter(dedupe_key="k").count() == 2


def test_the_chunk_task_is_named_and_repeats_harmlessly(db: None) -> None:
    from onewindow.conftest import make_user
    from onewindow.notifications.tasks import deliver_messages_task
    from onewindow.notifications.tests.conftest import make_message

    assert deliver_messages_task.name == "onewindow.notifications.deliver_messages"
    rows = [make_message(recipient=make_user(), dedupe_key=f"k{n}") for n in range(3)]
    ids = [row.pk for row in rows]
    assert deliver_messages_task.delay(ids).get() == 3
    assert deliver_messages_task.delay(ids).get() == 0
    assert len(mail.outbox) == 3


def test_notify_new_writes_the_same_rows_without_reading_for_earlier_ones(db: None) -> None:
    users = [make_recipient(), make_recipient(language="en", phone="")]
    with pytest.raises(Undo), transaction.atomic():
        services.notify_all(notices(users))
        checked = written()
        raise Undo
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        assert services.notify_new(notices(users)) == 8
    assert written() == checked
    statements = [q["sql"].split()[0] for q in queries]
    assert "SELECT" not in statements and "SAVEPOINT" not in statements


def test_notify_new_of_an_event_already_told_fails_the_transaction(db: None) -> None:
    from django.db import IntegrityError

    told = Notice(make_recipient(), "case_submitted", SAMPLES["case_submitted"], "case:7:new")
    with transaction.atomic():
        services.notify_new([told])
    with pytest.raises(IntegrityError), transaction.atomic():
        services.notify_new([told])
    assert Notification.objects.count() == 1
