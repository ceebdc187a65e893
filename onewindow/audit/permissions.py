"""Who may read the audit trail. The audit app imports nothing of ours, so the app
that knows people's roles tells it at start which of them read the trail
(``register_trail_reader``, from ``identity``); a superuser always may."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_readers: list[Callable[[Any], bool]] = []


def register_trail_reader(check: Callable[[Any], bool]) -> None:
    """Add a test of whether a user may read the trail (any one passing suffices)."""
    if check not in _readers:
        _readers.append(check)


def can_read_trail(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(getattr(user, "is_superuser", False)) or any(check(user) for check in _readers)
