"""record_events: several events appended at once, chained as one call each would."""

import json
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onewindow.audit import services as audit_services
from onewindow.audit.hashing import canonical_content, chain_hash
from onewindow.audit.models import AuditEvent, ChainHead, Outcome
from onewindow.audit.services import Entry, record_event, record_events
from onewindow.audit.verification import verify_chain
from onewindow.conftest import make_user

pytestmark = pytest.mark.django_db


def test_a_batch_continues_the_chain_in_order():
    officer = make_user()
    before = record_event(actor=None, action="test.before")
    entries = [
        Entry(action="test.one", target=("x.thing", "1"), detail={"n": (1, 2)}),
        Entry(action="test.two", actor=officer, outcome="failure"),
        Entry(action="test.three"),
    ]
    with CaptureQueriesContext(connection) as queries:
        events = record_events(entries)
    after = record_event(actor=None, action="test.after")
    assert [e.seq for e in events] == [before.seq + 1, before.seq + 2, before.seq + 3]
    assert events[0].prev_hash == before.hash and after.prev_hash == events[2].hash
    assert [e.action for e in events] == ["test.one", "test.two", "test.three"]
    assert (events[1].actor_id, events[1].outcome) == (officer.pk, "failure")
    first = events[0]
    first.refresh_from_db()
    assert first.detail == {"n": [1, 2]}
    content = {
        f: getattr(first, f)
        for f in ("seq", "at", "actor_id", "actor_label", "action", "target_type", "target_id")
    }
    content |= {"outcome": "success", "detail": {"n": [1, 2]}, "ip_address": None}
    assert first.hash == chain_hash(before.hash, canonical_content(content))
    assert ChainHead.objects.get().seq == after.seq
    assert verify_chain() == []
    assert len(queries) <= 6  # one lock of the head, one insert, one move of the head


def test_nothing_to_record():
    assert record_events([]) == []
    assert not ChainHead.objects.exists()


def test_a_large_batch_goes_by_copy_on_postgresql_and_reads_back_the_same(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's; SQLite appends every batch with one INSERT")
    monkeypatch.setattr(audit_services, "COPY_FROM", 3)
    officer = make_user()
    before = record_event(actor=None, action="test.before")
    entries = [
        Entry(action="test.one", target=("x.thing", "1"), detail={"n": (1, 2), "名": "王"}),
        Entry(action="test.two", actor=officer, outcome="failure"),
        Entry(action="test.three"),
    ]
    with CaptureQueriesContext(connection) as queries:
        events = record_events(entries)
    assert not [q for q in queries.captured_queries if "INSERT" in q["sql"]]
    stored = list(AuditEvent.objects.filter(seq__gt=before.seq).order_by("seq"))
    assert [e.pk for e in events] == [e.pk for e in stored]
    assert [(e.action, e.actor_id, e.outcome, e.detail) for e in stored] == [
        ("test.one", None, "success", {"n": [1, 2], "名": "王"}),
        ("test.two", officer.pk, "failure", {}),
        ("test.three", None, "success", {}),
    ]
    assert [e.hash for e in stored] == [e.hash for e in events]
    assert verify_chain() == []


@pytest.mark.parametrize(
    "detail",
    [
        {"due_at": "2026-03-10T00:00:00+08:00", "limit_days": 5, "late": True, "x": None},
        {"nested": {"list": [1, 2.5, "三", {"deep": [None]}]}},
        {"tuple": (1, 2)},
        {1: "an int key"},
        {"choice": Outcome.FAILURE},  # a str subclass
        {"when": datetime(2026, 3, 10, tzinfo=UTC)},
    ],
)
def test_a_detail_is_kept_as_the_database_gives_it_back(detail):
    kept = audit_services._as_stored(detail)
    assert kept == json.loads(json.dumps(detail, default=str))
    assert all(type(key) is str for key in kept)
    # A copy: changing the caller's dict afterwards changes nothing kept for the chain.
    assert kept is not detail
    event = record_event(actor=None, action="test.detail", detail=detail)
    assert event is not None
    event.refresh_from_db()
    assert event.detail == kept
    assert verify_chain() == []
