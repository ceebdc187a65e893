import pytest
from django.db import transaction

from onewindow.audit.hashing import canonical_content, chain_hash
from onewindow.audit.models import GENESIS_HASH, AppendOnlyError, AuditEvent, ChainHead
from onewindow.audit.services import record_event, refused
from onewindow.core.errors import Forbidden

pytestmark = pytest.mark.django_db


def test_events_form_a_chain_from_genesis():
    first = record_event(actor=None, action="test.one", detail={"n": 1})
    second = record_event(actor=None, action="test.two", target=("x.thing", "7"))
    assert (first.seq, second.seq) == (1, 2)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    head = ChainHead.objects.get()
    assert (head.seq, head.hash) == (2, second.hash)


def test_hash_is_over_canonical_content_and_link():
    event = record_event(actor=None, action="test.one", detail={"b": 2, "a": (1, 2)})
    event.refresh_from_db()
    content = canonical_content(
        {
            "seq": event.seq,
            "at": event.at,
            "actor_id": None,
            "actor_label": "",
            "action": "test.one",
            "target_type": "",
            "target_id": "",
            "outcome": "success",
            "detail": {"a": [1, 2], "b": 2},
            "ip_address": None,
        }
    )
    assert event.hash == chain_hash(GENESIS_HASH, content)


def test_a_refusal_is_recorded_as_denied_and_handed_back_to_raise():
    error = Forbidden("no")
    with pytest.raises(Forbidden) as raised:
        raise refused(error, actor=None, action="test.refused", target=("x.thing", "7"))
    assert raised.value is error
    event = AuditEvent.objects.get(action="test.refused")
    assert (event.outcome, event.target_id) == ("denied", "7")


def test_event_rolls_back_with_the_change_it_records():
    with pytest.raises(RuntimeError), transaction.atomic():
        record_event(actor=None, action="test.doomed")
        raise RuntimeError("the change failed")
    assert not AuditEvent.objects.filter(action="test.doomed").exists()
    assert ChainHead.objects.filter(seq__gt=0).count() == 0


def test_orm_refuses_update_and_delete():
    event = record_event(actor=None, action="test.one")
    event.action = "test.changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_database_refuses_update():
    from django.db import connection
    from django.db.utils import DatabaseError

    event = record_event(actor=None, action="test.one")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'x' WHERE id = %s", [event.pk])


def test_database_refuses_delete_on_postgresql():
    from django.db import connection
    from django.db.utils import DatabaseError

    if connection.vendor != "postgresql":
        pytest.skip("SQLite keeps DELETE for the test flush; the ORM refuses it (ADR 0004)")
    event = record_event(actor=None, action="test.one")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])


def test_request_address_is_recorded(rf):
    request = rf.get("/", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="6.6.6.6")
    event = record_event(actor=None, action="test.one", request=request)
    assert event.ip_address == "10.1.2.3"
