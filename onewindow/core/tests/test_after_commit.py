"""Background work enqueued after commit (core/after_commit.py): a broker that is down
fails neither the committed change nor the transaction's later hooks, and the failure
is logged once, naming the task and the object."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any
from unittest import mock

import pytest
from django.db import transaction
from kombu.exceptions import OperationalError

from onewindow.core import after_commit
from onewindow.core.after_commit import enqueue_after_commit
from onewindow.identity.tasks import send_password_reset
from onewindow.notifications.tasks import deliver_message_task

REFUSED = OperationalError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")
LOGGER = "onewindow.core.after_commit"


def not_enqueued(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == LOGGER and r.msg == after_commit.NOT_ENQUEUED]


# A real commit: the hooks run as they do in a request (``run_and_clear_commit_hooks``),
# not as the test case's capture of them does.
@pytest.mark.django_db(transaction=True)
def test_a_failing_enqueue_is_logged_once_and_the_later_hooks_run(caplog):
    ran: list[str] = []
    calls: list[tuple[Any, ...]] = []

    def broken(*args: Any) -> None:
        calls.append(args)
        raise REFUSED

    with caplog.at_level(logging.ERROR, logger="onewindow"), transaction.atomic():
        enqueue_after_commit(
            broken, 7, "http://testserver/", about="user 7", later="Nothing sends it later."
        )
        transaction.on_commit(partial(ran.append, "a plain hook"))
        enqueue_after_commit(ran.append, "an enqueue", about="case 8", later="")
    assert ran == ["a plain hook", "an enqueue"]
    assert calls == [(7, "http://testserver/")]
    [record] = not_enqueued(caplog)
    assert record.levelno == logging.ERROR
    assert record.args == (
        f"{__name__}.test_a_failing_enqueue_is_logged_once_and_the_later_hooks_run.<locals>.broken",
        "user 7",
        REFUSED,
        "Nothing sends it later.",
    )
    message = record.getMessage()
    assert "for user 7 was not enqueued after commit" in message
    assert "Connection refused" in message and "Nothing sends it later." in message
    assert record.exc_info is not None and record.exc_info[1] is REFUSED
    # Django's own report of a failed hook (which the partial's missing name broke) is
    # not needed: the hook did not fail.
    assert not [r for r in caplog.records if "in on_commit()" in r.getMessage()]


@pytest.mark.django_db(transaction=True)
def test_a_celery_task_is_logged_by_its_name_with_no_arguments_of_a_person(caplog):
    # The broker refuses the message: ``delay`` sends it through ``apply_async``.
    with (
        mock.patch.object(send_password_reset, "apply_async", side_effect=REFUSED),
        caplog.at_level(logging.ERROR, logger="onewindow"),
        transaction.atomic(),
    ):
        enqueue_after_commit(
            send_password_reset.delay, 7, "http://secret.example/", about="user 7", later="."
        )
    [record] = not_enqueued(caplog)
    assert record.getMessage().startswith(
        "Background task onewindow.identity.send_password_reset for user 7 was not enqueued"
    )
    # The task's arguments are not logged: some are a person's (an address, a name).
    assert "secret.example" not in record.getMessage()


def test_the_name_is_the_celery_tasks_own():
    assert (
        after_commit._name_of(deliver_message_task.delay)
        == "onewindow.notifications.deliver_message"
    )
    assert after_commit._name_of(send_password_reset.apply_async) == (
        "onewindow.identity.send_password_reset"
    )
    assert after_commit._name_of(not_enqueued) == f"{__name__}.not_enqueued"


def test_the_hook_carries_a_name_django_can_log():
    # Were the logging itself to fail, Django's robust hook reports it by this name.
    hooks: list[Any] = []
    with mock.patch.object(transaction, "on_commit", lambda hook, **kw: hooks.append((hook, kw))):
        enqueue_after_commit(
            deliver_message_task.delay, 3, about="outbox message 3", later=".", using="default"
        )
    [(hook, options)] = hooks
    assert hook.__qualname__ == "enqueue_after_commit(onewindow.notifications.deliver_message)"
    assert options == {"using": "default", "robust": True}


def test_nothing_is_sent_when_the_transaction_rolls_back(db, django_capture_on_commit_callbacks):
    sent: list[int] = []
    with django_capture_on_commit_callbacks(execute=True) as hooks:
        with pytest.raises(RuntimeError), transaction.atomic():
            enqueue_after_commit(sent.append, 1, about="case 1", later="")
            raise RuntimeError("rolled back")
        enqueue_after_commit(sent.append, 2, about="case 2", later="")
    assert (len(hooks), sent) == (1, [2])
