"""How an audit event is turned into its hash. Changing this breaks every chain."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any


def canonical_content(
    *,
    seq: int,
    at: datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    target_type: str,
    target_id: str,
    outcome: str,
    detail: dict[str, Any],
    ip_address: str | None,
) -> str:
    return json.dumps(
        {
            "seq": seq,
            "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor_id": actor_id,
            "actor_label": actor_label,
            "action": action,
            "target_type": target_type,
            "target_id": target_id,
            "outcome": outcome,
            "detail": detail,
            "ip_address": ip_address,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )


def chain_hash(prev_hash: str, content: str) -> str:
    return hashlib.sha256(f"{prev_hash}\n{content}".encode()).hexdigest()
