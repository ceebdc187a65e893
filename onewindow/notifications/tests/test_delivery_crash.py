"""A sender killed mid-delivery: real processes, a real SMTP conversation, SIGKILL.

The outbox row stays locked while its sender talks to the mail server; killing the
sender ends its transaction (PostgreSQL drops the connection's row lock, SQLite the
file lock), so the next sweep finds the row still pending and sends it.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from onewindow.config import BASE_DIR
from onewindow.conftest import make_user
from onewindow.notifications.channels import message_id
from onewindow.notifications.models import OutboxMessage
from onewindow.notifications.tests.conftest import make_message
from onewindow.notifications.tests.smtp_sink import AFTER_MESSAGE, BEFORE_DATA, SmtpSink

pytestmark = pytest.mark.django_db(transaction=True)


def shared_database_url(tmp_path: Path) -> str:
    """A URL other processes can open: the test database itself on PostgreSQL; on
    SQLite, whose test database lives in this process's memory, a copy in a file."""
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        credentials = quote(s["USER"]) + (f":{quote(s['PASSWORD'])}" if s["PASSWORD"] else "")
        return (
            f"postgres://{credentials}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
        )
    path = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as target:
        connection.connection.backup(target)
    return f"sqlite:///{path}"


def row_state(url: str, pk: int) -> tuple[str, int]:
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            status, attempts = db.execute(
                "SELECT status, attempts FROM notifications_outboxmessage WHERE id = ?", (pk,)
            ).fetchone()
        return status, attempts
    row = OutboxMessage.objects.get(pk=pk)
    return row.status, row.attempts


class Sender:
    """``manage.py deliver_outbox`` in its own process, configured like production: the
    shared database and an SMTP server."""

    def __init__(self, url: str, sink: SmtpSink, var_dir: Path) -> None:
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "onewindow.settings",
            "ONEWINDOW_DATABASE_URL": url,
            "ONEWINDOW_EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
            "ONEWINDOW_VAR_DIR": str(var_dir),
            "ONEWINDOW_SECRET_KEY": "test-only",
            "ONEWINDOW_SMS_BACKEND": "null",
        }

    def start(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "manage.py", "deliver_outbox", *args],
            cwd=BASE_DIR,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def run(self, *args: str) -> int:
        """Runs to the end; returns how many messages it sent."""
        out, err = self.start(*args).communicate(timeout=120)
        assert out.strip().isdigit(), err
        return int(out)


def stalled_sender(
    sink: SmtpSink, tmp_path: Path
) -> tuple[OutboxMessage, str, Sender, subprocess.Popen[str]]:
    """One outbox row, shared with other processes, and a sender on it held by the
    SMTP server at its stall point."""
    message = make_message(recipient=make_user(), address="applicant@example.invalid")
    url = shared_database_url(tmp_path)
    sender = Sender(url, sink, tmp_path / "var")
    first = sender.start("--message", str(message.pk))
    if not sink.stalled.wait(60):
        first.kill()
        pytest.fail(f"the sender never reached the stall: {first.communicate(timeout=5)}")
    return message, url, sender, first


def kill(sender: subprocess.Popen[str], sink: SmtpSink) -> None:
    sender.send_signal(signal.SIGKILL)
    assert sender.wait(30) == -signal.SIGKILL
    sink.release.set()


def test_a_sender_killed_mid_delivery_leaves_the_message_for_the_sweep_which_sends_it_once(
    tmp_path,
):
    with SmtpSink(stall=BEFORE_DATA) as sink:
        message, url, sender, first = stalled_sender(sink, tmp_path)
        if connection.vendor == "postgresql":
            # While the first sender holds the row, a sweep skips it instead of waiting.
            assert sender.run() == 0
        kill(first, sink)
        assert sink.received == []
        assert row_state(url, message.pk) == ("pending", 0)

        assert sender.run() == 1
        assert sender.run() == 0
    [delivered] = sink.messages
    assert delivered["To"] == "applicant@example.invalid"
    assert delivered["Message-ID"] == message_id(message)
    assert row_state(url, message.pk) == ("sent", 1)


def test_the_crash_window_after_the_server_accepted_repeats_the_same_message_id(tmp_path):
    """Killed after the server has the whole message but before it said so: our
    transaction never committed, so the sweep sends again. Both copies carry one
    Message-ID, which lets a deduplicating mail system deliver one (ADR 0013)."""
    with SmtpSink(stall=AFTER_MESSAGE) as sink:
        message, url, sender, first = stalled_sender(sink, tmp_path)
        kill(first, sink)
        assert len(sink.received) == 1
        assert row_state(url, message.pk) == ("pending", 0)
        assert sender.run() == 1
    assert [m["Message-ID"] for m in sink.messages] == [message_id(message)] * 2
    assert row_state(url, message.pk) == ("sent", 1)
