"""How an audit event is turned into its hash. Changing this breaks every chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC
from typing import Any

# The fields of an event that its hash covers, in the order they are documented.
HASHED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "outcome",
    "detail",
    "ip_address",
)


def canonical_content(values: Mapping[str, Any]) -> str:
    """The JSON text the hash is computed over: sorted keys, UTC time to the microsecond."""
    content = {name: values[name] for name in HASHED_FIELDS}
    content["at"] = values["at"].astimezone(UTC).isoformat(timespec="microseconds")
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def chain_hash(prev_hash: str, content: str) -> str:
    return hashlib.sha256(f"{prev_hash}\n{content}".encode()).hexdigest()
