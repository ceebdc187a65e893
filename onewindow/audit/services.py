"""The one way to write to the audit log.

Call ``record_event`` inside the transaction that makes the change: if the change
rolls back, so does its audit record, and an audit failure rolls back the change.
"""

from __future__ import annotations

import json
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
    target_type, target_id = _target_parts(target)
    # Round-trip the detail through JSON so the hash is computed over exactly what the
    # database will give back (tuples become lists, keys become strings).
    clean_detail = json.loads(json.dumps(detail or {}, default=str))
    is_authenticated = actor is not None and getattr(actor, "is_authenticated", True)
    actor_id = int(actor.pk) if is_authenticated and actor is not None else None
    actor_label = str(actor)[:150] if is_authenticated and actor is not None else ""
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
        values = {
            "seq": head.seq + 1,
            "at": timezone.now(),
            "actor_id": actor_id,
            "actor_label": actor_label,
            "action": action,
            "target_type": target_type,
            "target_id": target_id,
            "outcome": str(outcome),
            "detail": clean_detail,
            "ip_address": _client_ip(request),
        }
        digest = chain_hash(head.hash, canonical_content(values))
        event = AuditEvent.objects.create(**values, prev_hash=head.hash, hash=digest)
        head.seq, head.hash = values["seq"], digest
        head.save(update_fields=["seq", "hash"])
    return event
