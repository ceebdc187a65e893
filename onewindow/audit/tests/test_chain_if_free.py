"""hold_chain_if_free: the chain taken without queueing for it, or refused while another
transaction holds it, leaving the caller's transaction usable."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from onewindow.audit import services as audit_services
from onewindow.audit.models import AuditEvent
from onewindow.audit.services import (
    Entry,
    hold_chain_if_free,
    prepare_events,
    record_event,
    record_prepared,
)
from onewindow.audit.testing import chain_held_elsewhere
from onewindow.audit.verification import verify_chain


@pytest.mark.django_db
def test_a_free_chain_is_taken_and_prepared_events_are_chained_after_it():
    before = record_event(actor=None, action="test.before")
    assert before is not None
    with transaction.atomic():
        prepared = prepare_events([Entry(action="test.one"), Entry(action="test.two")])
        assert hold_chain_if_free()
        events = record_prepared(prepared)
    assert [e.seq for e in events] == [before.seq + 1, before.seq + 2]
    assert events[0].prev_hash == before.hash
    assert record_prepared(prepare_events([])) == []
    assert verify_chain() == []


@pytest.mark.django_db(transaction=True)  # not inside the test's own transaction
def test_it_must_be_asked_inside_a_transaction():
    with pytest.raises(RuntimeError, match="hold_chain_if_free"):
        hold_chain_if_free()


@pytest.mark.django_db(transaction=True)
def test_a_held_chain_is_refused_without_waiting_and_the_transaction_goes_on():
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL only (SQLite's test database has one writer)")
    record_event(actor=None, action="test.genesis")  # the head row exists
    release = threading.Event()

    def meanwhile() -> None:
        release.wait(timeout=10)
        record_event(actor=None, action="test.held")

    with chain_held_elsewhere(meanwhile):
        try:
            with transaction.atomic():
                assert not hold_chain_if_free(attempts=3, pause=0.01)
                # Refused in a savepoint: the transaction is still usable.
                assert AuditEvent.objects.filter(action="test.genesis").exists()
        finally:
            release.set()
    with transaction.atomic():
        assert hold_chain_if_free(attempts=3, pause=0.01)
        record_event(actor=None, action="test.after")
    assert list(AuditEvent.objects.order_by("seq").values_list("action", flat=True)) == [
        "test.genesis",
        "test.held",
        "test.after",
    ]
    assert verify_chain() == []


@pytest.mark.django_db(transaction=True)
def test_a_chain_held_briefly_is_taken_once_it_is_freed(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL only (SQLite's test database has one writer)")
    record_event(actor=None, action="test.genesis")
    pauses: list[float] = []
    real_sleep = audit_services.time.sleep

    def sleep(seconds: float) -> None:
        pauses.append(seconds)
        real_sleep(seconds)

    monkeypatch.setattr(audit_services.time, "sleep", sleep)
    # The other connection holds the chain for a moment (an officer's step committing).
    with chain_held_elsewhere(lambda: real_sleep(0.3)), transaction.atomic():
        assert hold_chain_if_free(attempts=400, pause=0.01)
        record_event(actor=None, action="test.after")
    assert pauses  # refused at first, then taken without queueing
    assert verify_chain() == []
