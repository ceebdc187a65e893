"""What each recorded action means, in words, for those who read the trail. Each app
says it of its own actions in an ``audit_actions`` module, found at start as Django's
admin finds ``admin`` modules (``AuditConfig.ready``): the audit app imports none of
them. An action nobody labelled reads as its code."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_labels: dict[str, Any] = {}


def register_labels(labels: Mapping[str, Any]) -> None:
    """Add ``{action code: label}``; labels are lazy translations, read in the
    reader's language."""
    _labels.update(labels)


def label(action: str) -> str:
    return str(_labels.get(action) or action)


def labelled() -> set[str]:
    return set(_labels)
