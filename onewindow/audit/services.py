"""The one way to write to the audit log.

Call ``record_event`` inside the transaction that makes the change: if the change
rolls back, so does its audit record, and an audit failure rolls back the change.
A busy write path opens its transaction with ``atomic_audit_last`` instead, so its events
are chained at the end and the chain's head is held only from there to commit.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from django.db import OperationalError, models, transaction
from django.http import HttpRequest
from django.utils import timezone
from psycopg.errors import LockNotAvailable
from psycopg.types.json import Jsonb

from onewindow.audit.hashing import canonical_content, chain_hash
from onewindow.audit.models import AuditEvent, ChainHead, Outcome


class Actor(Protocol):
    pk: Any

    def __str__(self) -> str: ...


def _client_ip(request: HttpRequest | None) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is set by whoever sends the request, so trusting
    # it would let a caller write any address into the audit log.
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _target_parts(target: models.Model | tuple[str, str] | None) -> tuple[str, str]:
    if target is None:
        return "", ""
    if isinstance(target, tuple):
        return target
    return target._meta.label_lower, str(target.pk)


def hold_chain() -> None:
    """Lock the chain now, for the rest of the caller's transaction, as ``record_event``
    would at its first event.

    For a writer that locks a batch of rows (``SKIP LOCKED``) and then audits each: taking
    the chain first, it never waits while holding those rows. Otherwise a transaction
    that has audited and then updates one of them (an officer's step stopping a clock)
    waits for the batch, while the batch waits for the chain: a deadlock.
    """
    _in_transaction("hold_chain")
    ChainHead.objects.select_for_update().get_or_create(pk=1)


# How a writer auditing last asks for the chain: ~50 ms in all, against the milliseconds
# an officer's step or a timer holds it from its last statement to its commit.
CHAIN_ATTEMPTS = 10
CHAIN_PAUSE = 0.005


def hold_chain_if_free(*, attempts: int = CHAIN_ATTEMPTS, pause: float = CHAIN_PAUSE) -> bool:
    """Lock the chain for the rest of the caller's transaction if it can be had without
    queueing for it: asked ``attempts`` times, ``pause`` seconds apart, with ``NOWAIT``.

    For a writer that has locked a batch of rows with ``SKIP LOCKED`` and audits them last,
    so as to hold the chain only while appending (the sweep's alert batches, while other
    workers fire timers): it never waits in PostgreSQL's lock queue holding those rows,
    so it cannot deadlock with a transaction that audited first and now waits for one of
    them (see ``hold_chain``). False: the caller rolls back and starts again, taking the
    chain first.
    """
    _in_transaction("hold_chain_if_free")
    for attempt in range(attempts):
        if attempt:
            time.sleep(pause)
        try:
            # A savepoint, so that a refusal leaves the caller's transaction usable.
            with transaction.atomic():
                ChainHead.objects.select_for_update(nowait=True).get_or_create(pk=1)
        except OperationalError as exc:
            if not isinstance(exc.__cause__, LockNotAvailable):
                raise
            continue
        return True
    return False


def _in_transaction(name: str) -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"{name}() must run inside the caller's transaction")


@dataclass(frozen=True)
class Entry:
    """One event for ``record_events``: the arguments of ``record_event``."""

    action: str
    target: models.Model | tuple[str, str] | None = None
    detail: dict[str, Any] | None = None
    actor: Actor | None = None
    outcome: str = Outcome.SUCCESS


def _values(entry: Entry, request: HttpRequest | None = None) -> dict[str, Any]:
    """The event's fields but its place in the chain (seq and hashes)."""
    target_type, target_id = _target_parts(entry.target)
    actor = entry.actor
    is_authenticated = actor is not None and getattr(actor, "is_authenticated", True)
    return {
        "at": timezone.now(),
        "actor_id": int(actor.pk) if is_authenticated and actor is not None else None,
        "actor_label": str(actor)[:150] if is_authenticated and actor is not None else "",
        "action": entry.action,
        "target_type": target_type,
        "target_id": target_id,
        "outcome": str(entry.outcome),
        "detail": _as_stored(entry.detail or {}),
        "ip_address": _client_ip(request),
    }


def _as_stored(detail: dict[str, Any]) -> Any:
    """The detail as the database will give it back, so that the hash is computed over
    exactly that: round-tripped through JSON (tuples become lists, keys strings, other
    values ``str``), or, when it is plain JSON already, copied as it is, which gives the
    same and costs a fraction (the sweep audits 5,000 alerts a statement)."""
    try:
        return _plain_copy(detail)
    except _NotPlain:
        return json.loads(json.dumps(detail, default=str))


class _NotPlain(Exception):
    pass


def _plain_copy(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is bool or kind is float or value is None:
        return value
    if kind is dict:
        if not all(type(key) is str for key in value):
            raise _NotPlain
        return {key: _plain_copy(item) for key, item in value.items()}
    if kind is list:
        return [_plain_copy(item) for item in value]
    raise _NotPlain  # a tuple, a date, a subclass of str (a choice)…


class _Kept:
    """Events kept for the end of an ``atomic_audit_last`` block, registered as a no-op
    commit hook when recorded: Django drops the hooks registered inside a savepoint that
    rolls back, so a batch whose hook is gone recorded a change that was undone."""

    __slots__ = ("values",)

    def __init__(self, values: list[dict[str, Any]]) -> None:
        self.values = values

    def __call__(self) -> None:
        pass


# The events of the innermost open ``atomic_audit_last`` block, waiting to be chained.
_waiting: ContextVar[list[_Kept] | None] = ContextVar("audit_waiting", default=None)


@contextmanager
def atomic_audit_last() -> Iterator[None]:
    """``transaction.atomic()`` whose audit events are chained and written at its end.

    Appending locks the chain's head row until commit (ADR 0004), so a transaction that
    audits early makes every other audited write wait for all the work it has left.
    Inside this block ``record_event`` keeps each event (its time taken when recorded)
    and the block appends them in order, in one insert, as its last statement. If the
    block fails its changes roll back, and its events are never written; a nested block
    hands its events to the outer one. The events recorded inside a savepoint that
    rolled back (a failure caught inside the block) are left out with its changes.
    """
    with transaction.atomic():
        outer = _waiting.get()
        waiting: list[_Kept] = []
        token = _waiting.set(waiting)
        try:
            yield
        finally:
            _waiting.reset(token)
        if outer is not None:
            outer.extend(waiting)
        elif waiting:
            live = {id(hook) for _sids, hook, _robust in transaction.get_connection().run_on_commit}
            kept = [values for batch in waiting if id(batch) in live for values in batch.values]
            if kept:
                _append(kept)


def _append(entries: Sequence[dict[str, Any]], *, returning: bool = True) -> list[AuditEvent]:
    """Chain the events after the head and write them, in the caller's transaction
    (or one of their own, outside any); the events written, unless not ``returning``
    and written by ``COPY`` (then none: building them is a good part of a large append).
    No savepoint: an audit record that fails to be written must take the change it
    records down with it, not leave it to commit."""
    with transaction.atomic(savepoint=False):
        head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
        rows = []
        for values in entries:
            values = {**values, "seq": head.seq + 1}
            digest = chain_hash(head.hash, canonical_content(values))
            rows.append({**values, "prev_hash": head.hash, "hash": digest})
            head.seq, head.hash = values["seq"], digest
        if len(rows) >= COPY_FROM and transaction.get_connection().vendor == "postgresql":
            _copy(rows)
            events = _written(rows) if returning else []
        else:
            events = [AuditEvent(**row) for row in rows]
            if len(events) == 1:
                events[0].save(force_insert=True)
            else:
                AuditEvent.objects.bulk_create(events)
        head.save(update_fields=["seq", "hash"])
    return events


# From this many events an append goes by COPY: the sweep's alert batches append 5,000,
# and building one INSERT of them through the ORM took most of the batch's time.
COPY_FROM = 100
_COPIED = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
_COPIED_JSON = {f.attname for f in _COPIED if isinstance(f, models.JSONField)}


def _copy(rows: list[dict[str, Any]]) -> None:
    """Write the events' rows with PostgreSQL's COPY."""
    table = AuditEvent._meta.db_table
    columns = ", ".join(f'"{field.column}"' for field in _COPIED)
    names = [field.attname for field in _COPIED]
    with (
        transaction.get_connection().cursor() as cursor,
        cursor.cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy,
    ):
        for row in rows:
            copy.write_row([Jsonb(row[n]) if n in _COPIED_JSON else row[n] for n in names])


def _written(rows: list[dict[str, Any]]) -> list[AuditEvent]:
    """The events of rows just copied, with their ids."""
    ids = dict(
        AuditEvent.objects.filter(seq__gte=rows[0]["seq"], seq__lte=rows[-1]["seq"]).values_list(
            "seq", "pk"
        )
    )
    events = [AuditEvent(**row, pk=ids[row["seq"]]) for row in rows]
    for event in events:
        event._state.adding = False
    return events


def record_event(
    *,
    actor: Actor | None,
    action: str,
    target: models.Model | tuple[str, str] | None = None,
    outcome: str = Outcome.SUCCESS,
    detail: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent | None:
    """Append one event to the chain, in the caller's transaction; inside
    ``atomic_audit_last``, keep it for the block's end and return None."""
    entry = Entry(action=action, target=target, detail=detail, actor=actor, outcome=outcome)
    written = _append_or_keep([_values(entry, request)])
    return written[0] if written else None


Refusal = TypeVar("Refusal", bound=Exception)


def refused(
    error: Refusal,
    *,
    actor: Actor | None,
    action: str,
    target: models.Model | tuple[str, str] | None = None,
    detail: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> Refusal:
    """``error``, once the attempt it refuses is on record (outcome denied), for the
    caller to raise: ``raise refused(Forbidden(...), actor=actor, action=...)``. Call it
    outside any transaction the error rolls back, or the record goes with it."""
    record_event(
        actor=actor,
        action=action,
        target=target,
        outcome=Outcome.DENIED,
        detail=detail,
        request=request,
    )
    return error


def record_events(entries: Sequence[Entry]) -> list[AuditEvent]:
    """Append several events, in order, in the caller's transaction: as many calls of
    ``record_event`` would, with one lock of the chain and one insert (the time-limit
    sweep audits hundreds of alerts at once). Inside ``atomic_audit_last``, kept for
    the block's end like ``record_event``'s, and none returned."""
    return record_prepared(prepare_events(entries))


@dataclass(frozen=True)
class Prepared:
    """Events made ready to append (``prepare_events``): all but their place in the chain."""

    values: list[dict[str, Any]]


def prepare_events(entries: Sequence[Entry]) -> Prepared:
    """The work of ``record_events`` that does not need the chain, so that a writer
    can do it before taking the chain (``hold_chain_if_free``)."""
    return Prepared([_values(entry) for entry in entries])


def record_prepared(prepared: Prepared, *, returning: bool = True) -> list[AuditEvent]:
    """``record_events`` for events prepared already; without ``returning``, a large
    append (by ``COPY``) returns no events, for callers that do not use them."""
    if not prepared.values:
        return []
    return _append_or_keep(prepared.values, returning=returning)


def _append_or_keep(values: list[dict[str, Any]], *, returning: bool = True) -> list[AuditEvent]:
    """Append now, or keep for the end of the open ``atomic_audit_last`` block (none
    returned then)."""
    waiting = _waiting.get()
    if waiting is None:
        return _append(values, returning=returning)
    batch = _Kept(values)
    transaction.on_commit(batch)
    waiting.append(batch)
    return []


def record_trail_read(*, viewer: Actor, event_id: str | None, request: HttpRequest) -> None:
    """A reading of the trail (the list, filtered as its query says, or one event) is
    itself on the trail: who looked, at what."""
    detail: dict[str, Any] = {"query": request.GET.dict()} if request.GET else {}
    target = ("audit.auditevent", event_id) if event_id else None
    with transaction.atomic():
        record_event(
            actor=viewer, action="audit.trail_read", target=target, detail=detail, request=request
        )
