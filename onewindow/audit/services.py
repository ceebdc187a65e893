"""The one way to write to the audit log.

Call ``record_event`` inside the transaction that makes the change: if the change
rolls back, so does its audit record, and an audit failure rolls back the change.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

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
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("hold_chain() must run inside the caller's transaction")
    ChainHead.objects.select_for_update().get_or_create(pk=1)


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
        # Round-tripped through JSON so the hash is computed over exactly what the
        # database will give back (tuples become lists, keys become strings).
        "detail": json.loads(json.dumps(entry.detail or {}, default=str)),
        "ip_address": _client_ip(request),
    }


def _append(entries: Sequence[dict[str, Any]]) -> list[AuditEvent]:
    """Chain the events after the head and write them, in the caller's transaction
    (or one of their own, outside any). No savepoint: an audit record that fails to
    be written must take the change it records down with it, not leave it to commit."""
    with transaction.atomic(savepoint=False):
        head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
        events = []
        for values in entries:
            values = {**values, "seq": head.seq + 1}
            digest = chain_hash(head.hash, canonical_content(values))
            events.append(AuditEvent(**values, prev_hash=head.hash, hash=digest))
            head.seq, head.hash = values["seq"], digest
        if len(events) == 1:
            events[0].save(force_insert=True)
        else:
            AuditEvent.objects.bulk_create(events)
        head.save(update_fields=["seq", "hash"])
    return events


def record_event(
    *,
    actor: Actor | None,
    action: str,
    target: models.Model | tuple[str, str] | None = None,
    outcome: str = Outcome.SUCCESS,
    detail: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction."""
    entry = Entry(action=action, target=target, detail=detail, actor=actor, outcome=outcome)
    [event] = _append([_values(entry, request)])
    return event


def record_events(entries: Sequence[Entry]) -> list[AuditEvent]:
    """Append several events, in order, in the caller's transaction: as many calls of
    ``record_event`` would, with one lock of the chain and one insert (the time-limit
    sweep audits hundreds of alerts at once)."""
    if not entries:
        return []
    return _append([_values(entry) for entry in entries])
