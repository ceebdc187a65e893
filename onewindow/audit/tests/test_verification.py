"""Tampering is simulated with raw SQL after dropping the append-only trigger, inside
the test's transaction (DDL is transactional on both databases, so it comes back)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from onewindow.audit.services import record_event
from onewindow.audit.verification import verify_chain

pytestmark = pytest.mark.django_db


def drop_guard() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER audit_event_append_only ON audit_auditevent")
        else:
            cursor.execute("DROP TRIGGER audit_event_append_only")


def sql(statement: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.fixture
def chain():
    return [record_event(actor=None, action=f"test.{n}", detail={"n": n}) for n in range(1, 7)]


def test_intact_chain_has_no_problems(chain):
    assert verify_chain() == []
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "intact: 6 events" in out.getvalue()


def test_edited_row_is_named(chain):
    drop_guard()
    sql("UPDATE audit_auditevent SET detail = %s WHERE seq = 3", ['{"n": 99}'])
    problems = verify_chain()
    assert [(p.seq, p.kind) for p in problems] == [(3, "edited")]


def test_edited_actor_is_named(chain):
    drop_guard()
    sql("UPDATE audit_auditevent SET actor_label = %s WHERE seq = 5", ["someone else"])
    assert [(p.seq, p.kind) for p in verify_chain()] == [(5, "edited")]


def test_deleted_row_is_named(chain):
    drop_guard()
    sql("DELETE FROM audit_auditevent WHERE seq = 4", [])
    problems = verify_chain()
    assert (4, "deleted") in [(p.seq, p.kind) for p in problems]


def test_deleted_last_row_is_noticed_through_the_head(chain):
    drop_guard()
    sql("DELETE FROM audit_auditevent WHERE seq = 6", [])
    assert [(p.seq, p.kind) for p in verify_chain()] == [(6, "truncated")]


def test_reordered_rows_are_named(chain):
    drop_guard()
    # Swap rows 2 and 3 by their sequence numbers, hashes and all.
    sql("UPDATE audit_auditevent SET seq = -2 WHERE seq = 2", [])
    sql("UPDATE audit_auditevent SET seq = 2 WHERE seq = 3", [])
    sql("UPDATE audit_auditevent SET seq = 3 WHERE seq = -2", [])
    kinds = {(p.seq, p.kind) for p in verify_chain()}
    assert (2, "reordered") in kinds
    assert (3, "reordered") in kinds


def test_command_fails_and_lists_problems(chain):
    drop_guard()
    sql("UPDATE audit_auditevent SET action = %s WHERE seq = 2", ["test.forged"])
    err = StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("audit_verify", stderr=err)
    assert "row 2: edited" in err.getvalue()


def test_periodic_task_reports_problem_count(chain, caplog):
    from onewindow.audit.tasks import verify_chain_task

    assert verify_chain_task() == 0
    drop_guard()
    sql("UPDATE audit_auditevent SET outcome = %s WHERE seq = 1", ["failure"])
    assert verify_chain_task() == 1
    assert "row 1: edited" in caplog.text
