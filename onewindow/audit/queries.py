"""Reads of the audit trail that must stay cheap however long it grows."""

from __future__ import annotations

from django.db import connection

from onewindow.audit.models import AuditEvent, ChainHead


def actions_recorded() -> list[str]:
    """Every action the trail holds, in order: one step down the ``action`` index per
    action (a recursive query: PostgreSQL has no skip scan), where ``DISTINCT`` reads
    every event. The trail of a city grows by millions a year; its actions number
    a few dozen."""
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE found(action) AS (
              SELECT MIN(action) FROM {table}
              UNION ALL
              SELECT (SELECT MIN(action) FROM {table} WHERE action > found.action)
              FROM found WHERE found.action IS NOT NULL
            )
            SELECT action FROM found WHERE action IS NOT NULL
            """  # noqa: S608 - the table name comes from the model
        )
        return [action for (action,) in cursor.fetchall()]


def events_recorded() -> int:
    """How many events the trail holds, from the chain's head: events are numbered 1,
    2, 3… without gaps, so the newest number is the count, read in one row where
    ``COUNT(*)`` reads millions. (Rows cut from the trail would be counted still:
    ``audit_verify`` reports them.)"""
    head = ChainHead.objects.filter(pk=1).values_list("seq", flat=True).first()
    return int(head or 0)
