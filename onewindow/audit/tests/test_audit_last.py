"""atomic_audit_last: a transaction whose audit events are chained at its end, so the
chain's head is held only from there to commit."""

import threading

import pytest
from django.db import connection, transaction

from onewindow.audit.models import AuditEvent, ChainHead
from onewindow.audit.services import Entry, atomic_audit_last, record_event, record_events
from onewindow.audit.verification import verify_chain
from onewindow.conftest import make_department
from onewindow.identity.models import Department


class Failed(Exception):
    pass


def _actions() -> list[str]:
    return list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))


@pytest.mark.django_db
def test_events_are_written_in_order_when_the_block_ends() -> None:
    record_event(actor=None, action="test.before")
    with atomic_audit_last():
        assert record_event(actor=None, action="test.one") is None
        assert record_events([Entry(action="test.two"), Entry(action="test.three")]) == []
        assert _actions() == ["test.before"]
        assert ChainHead.objects.get().seq == 1
    assert _actions() == ["test.before", "test.one", "test.two", "test.three"]
    assert ChainHead.objects.get().seq == 4
    assert verify_chain() == []


@pytest.mark.django_db
def test_a_failed_block_writes_neither_its_changes_nor_their_events() -> None:
    with pytest.raises(Failed), atomic_audit_last():
        make_department(code="310000")
        record_event(actor=None, action="test.department_created")
        raise Failed
    assert not Department.objects.exists()
    assert _actions() == []
    record_event(actor=None, action="test.after")
    assert _actions() == ["test.after"]


@pytest.mark.django_db
def test_a_nested_block_hands_its_events_to_the_outer_one() -> None:
    with atomic_audit_last():
        record_event(actor=None, action="test.outer")
        with atomic_audit_last():
            record_event(actor=None, action="test.inner")
        assert _actions() == []
        with pytest.raises(Failed), atomic_audit_last():
            record_event(actor=None, action="test.rolled_back")
            raise Failed
        record_event(actor=None, action="test.outer_again")
    assert _actions() == ["test.outer", "test.inner", "test.outer_again"]


@pytest.mark.django_db
def test_the_events_of_a_savepoint_rolled_back_inside_the_block_are_left_out() -> None:
    """Code inside that catches an audited write's failure and carries on: the write
    and its event are undone together, the rest written."""
    with atomic_audit_last():
        record_event(actor=None, action="test.kept")
        try:
            with transaction.atomic():
                make_department(code="310000")
                record_events([Entry(action="test.undone"), Entry(action="test.undone_too")])
                with atomic_audit_last():
                    record_event(actor=None, action="test.undone_inner")
                raise Failed
        except Failed:
            pass
        with transaction.atomic():
            record_event(actor=None, action="test.kept_after")
    assert not Department.objects.exists()
    assert _actions() == ["test.kept", "test.kept_after"]
    assert verify_chain() == []


@pytest.mark.django_db
def test_a_block_whose_every_event_was_undone_writes_none() -> None:
    with atomic_audit_last(), pytest.raises(Failed), transaction.atomic():
        record_event(actor=None, action="test.undone")
        raise Failed
    assert _actions() == []
    assert not ChainHead.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_chain_is_free_while_the_block_works() -> None:
    """A writer auditing on its own commits while a block that has already audited is
    still at work: the block does not hold the chain until its end."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's test database holds one writer at a time: nothing to race")
    audited, other_done = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def block() -> None:
        try:
            with atomic_audit_last():
                record_event(actor=None, action="test.block")
                audited.set()
                if not other_done.wait(timeout=10):
                    raise AssertionError("the other writer waited for the block")
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    def other() -> None:
        try:
            audited.wait(timeout=10)
            with transaction.atomic():
                record_event(actor=None, action="test.other")
            other_done.set()
        finally:
            connection.close()

    threads = [threading.Thread(target=block), threading.Thread(target=other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _actions() == ["test.other", "test.block"]
    assert verify_chain() == []
