"""JSON as RFC 8259 defines it, for what clients and people send: request bodies and
uploaded files.

Python's ``json.loads`` reads more than JSON. It takes ``NaN``, ``Infinity`` and
``-Infinity``, which JSON has no such numbers for: a NaN compared false with a form's
``minimum`` and ``maximum`` alike, passed, and then failed the database's JSON check (a
500); and a string escaping a lone UTF-16 surrogate (``"\\ud800"``), which no UTF-8 text
can hold: writing it failed in the database (a 500, before the caller's permission was
even asked). I-JSON (RFC 7493) refuses both; so does ``loads``.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class StrictJsonError(ValueError):
    """Text Python reads as JSON that JSON is not; ``message`` says why, translated."""

    def __init__(self, message: Promise) -> None:
        super().__init__(str(message))
        self.message = message


NOT_A_NUMBER = _("NaN, Infinity and -Infinity are not JSON numbers.")
LONE_SURROGATE = _(
    "The text holds an escaped lone surrogate (such as \\ud800), which is no Unicode character."
)


def loads(text: str | bytes) -> Any:
    """``text`` as JSON; ``json.JSONDecodeError`` where it is not JSON's syntax,
    ``StrictJsonError`` where Python's reader would take what JSON does not allow."""
    value = json.loads(text, parse_constant=_not_a_number)
    try:
        # What holds a lone surrogate cannot be written as UTF-8: one encoding tells,
        # however deep in the value it is.
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise StrictJsonError(LONE_SURROGATE) from None
    return value


def _not_a_number(constant: str) -> Any:
    raise StrictJsonError(NOT_A_NUMBER)
