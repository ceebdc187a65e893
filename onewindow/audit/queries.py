"""Reads of the audit trail that must stay cheap however long it grows."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q

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


def actors_named(usernames: Iterable[str]) -> dict[str, list[int]]:
    """The ids of the users whose user name is one of ``usernames``, by that name
    case-folded, in one query. A name must match whole (case aside): a part of one
    ("wang") would match a crowd of citizens, and their ids would be the search.
    The audit app knows users only as Django's user model: it imports none of ours."""
    wanted = {name.casefold() for name in usernames if name}
    if not wanted:
        return {}
    users = get_user_model()
    field = users.USERNAME_FIELD
    matching = Q.create([(f"{field}__iexact", name) for name in wanted], connector=Q.OR)
    found: dict[str, list[int]] = {}
    for name, pk in users._default_manager.filter(matching).values_list(field, "pk"):
        found.setdefault(str(name).casefold(), []).append(int(pk))
    return found
