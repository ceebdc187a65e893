"""Who may see which notification: its recipient, and nobody else (officers included)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q


def recipient_filter(user: Any) -> Q:
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    return Q(recipient=user)
