"""A submission and a decision while the message broker is down (kombu's
``OperationalError`` from the tasks' ``apply_async``, as a closed port gives): the
change is committed and answered as usual, the failure is logged once per message
for an operator, the transaction's later hooks still run, and the catch-ups do the
work the lost messages would have done (ARCHITECTURE.md, "Background work").

Transactional: the commit hooks run inside the request, as in production, so a hook
that raised would fail the answer."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from kombu.exceptions import OperationalError

from onewindow.cases import starting
from onewindow.cases.models import Case
from onewindow.cases.tasks import start_run
from onewindow.cases.tests.conftest import PASSPORT, answers, open_task, submit
from onewindow.cases.tests.test_api import token_for
from onewindow.core import after_commit
from onewindow.notifications import services as notifications
from onewindow.notifications.models import OutboxMessage, OutboxStatus
from onewindow.notifications.tasks import deliver_message_task, deliver_messages_task
from onewindow.workflow.models import WorkTask

pytestmark = pytest.mark.django_db(transaction=True)

REFUSED = OperationalError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")
DELIVERY = (deliver_message_task, deliver_messages_task)


@contextmanager
def broker_down(*tasks: Any) -> Iterator[None]:
    """Sending any of ``tasks`` raises as kombu does when the broker is out of reach."""
    with ExitStack() as stack:
        for task in tasks:
            stack.enter_context(mock.patch.object(task, "apply_async", side_effect=REFUSED))
        yield


def not_enqueued(caplog: pytest.LogCaptureFixture) -> dict[str, list[str]]:
    """The objects each task's failed enqueue was logged for, by task."""
    found: dict[str, list[str]] = {}
    for record in caplog.records:
        if record.msg == after_commit.NOT_ENQUEUED:
            assert record.levelno == logging.ERROR and record.exc_info is not None
            assert isinstance(record.args, tuple)
            task, about = str(record.args[0]), str(record.args[1])
            found.setdefault(task, []).append(about)
    return found


def rows(messages: Any) -> str:
    """How the log names a delivery task's outbox rows."""
    return "outbox messages " + ", ".join(str(pk) for pk in sorted(m.pk for m in messages))


def headers(client: Client, user: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_for(client, user)}"}


def file_through_the_api(client: Client, applicant: Any) -> Any:
    body = {"service": PASSPORT, "data": answers(applicant, PASSPORT)}
    return client.post(
        "/api/v1/cases", body, content_type="application/json", **headers(client, applicant)
    )


def test_a_queued_submission_is_answered_and_started_by_the_catch_up(client, world, queued, caplog):
    applicant = world["citizen.wang"]
    with (
        broker_down(start_run, *DELIVERY),
        caplog.at_level(logging.ERROR, logger="onewindow"),
    ):
        response = file_through_the_api(client, applicant)
    assert response.status_code == 201, response.content
    case = Case.objects.get(number=response.json()["number"])
    assert (case.run_queued, case.instance_id) == (True, None)
    notices = OutboxMessage.objects.filter(recipient=applicant)
    assert notices.exists() and {m.status for m in notices} == {OutboxStatus.PENDING}
    assert start_run.name == starting.START_RUN  # the name logged for ``_enqueue_start``
    # Once each: the run's message, and the notice's (its email and text message
    # together), each by the object's id (no address, no name).
    assert not_enqueued(caplog) == {
        "onewindow.cases.start_run": [f"case {case.pk}"],
        "onewindow.notifications.deliver_messages": [rows(notices)],
    }

    # The broker back, the minute's catch-ups do what the messages would have.
    later = case.created_at + starting.QUEUE_GRACE + timedelta(seconds=1)
    assert starting.start_overdue_runs(later).started == 1
    case.refresh_from_db()
    assert case.run_queued is False
    assert open_task(case, "Task_accept").department.code == "310000-GA"
    assert notifications.deliver_pending() == notices.count()
    assert {m.status for m in notices.all()} == {OutboxStatus.SENT}


def test_the_hooks_after_a_failed_one_still_run(client, world, queued, caplog):
    # The run's message is sent first; the submission's notice, sent after it, goes.
    applicant = world["citizen.wang"]
    with broker_down(start_run), caplog.at_level(logging.ERROR, logger="onewindow"):
        response = file_through_the_api(client, applicant)
    assert response.status_code == 201, response.content
    case = Case.objects.get(number=response.json()["number"])
    assert case.run_queued is True
    assert not_enqueued(caplog) == {"onewindow.cases.start_run": [f"case {case.pk}"]}
    notices = OutboxMessage.objects.filter(recipient=applicant)
    assert notices.exists() and {m.status for m in notices} == {OutboxStatus.SENT}


def test_a_decision_is_answered_and_recorded_and_its_notice_sent_later(client, world, caplog):
    case = submit(world["citizen.wang"], PASSPORT)  # filed inline, run started
    task = open_task(case, "Task_accept")
    officer = headers(client, world["ga.window"])
    url = f"/api/v1/tasks/{task.pk}"
    claimed = client.post(f"{url}/claim", content_type="application/json", **officer)
    assert claimed.status_code == 200, claimed.content
    before = set(OutboxMessage.objects.values_list("pk", flat=True))
    with broker_down(*DELIVERY), caplog.at_level(logging.ERROR, logger="onewindow"):
        response = client.post(
            f"{url}/complete",
            {"outcome": "accept", "comment": "材料齐全"},
            content_type="application/json",
            **officer,
        )
    assert response.status_code == 200, response.content
    task.refresh_from_db()
    assert (task.status, task.outcome) == ("completed", "accept")
    # The run went on: the review is the next step.
    following = WorkTask.objects.filter(instance=case.instance, status="ready").get()
    assert following.name == "审核"
    waiting = OutboxMessage.objects.exclude(pk__in=before)
    assert waiting.exists() and {m.status for m in waiting} == {OutboxStatus.PENDING}
    assert not_enqueued(caplog) == {"onewindow.notifications.deliver_messages": [rows(waiting)]}
    # The outbox's sweep sends them once the broker is back.
    assert notifications.deliver_pending() == waiting.count()
    assert {m.status for m in waiting.all()} == {OutboxStatus.SENT}
