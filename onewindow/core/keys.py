"""The keys processes and form definitions are named by (in items, life events and page
addresses): one stated rule for both libraries."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

MAX_KEY_CHARS = 64  # ProcessDefinition.key, FormDefinition.key
KEY_CHARS = re.compile(r"[a-z0-9][a-z0-9_-]*")
KEY_RULE = _(
    "Use only lower-case letters, digits, hyphens and underscores, starting with a letter "
    "or a digit (at most 64 characters)."
)


def is_valid_key(key: str) -> bool:
    return len(key) <= MAX_KEY_CHARS and KEY_CHARS.fullmatch(key) is not None
