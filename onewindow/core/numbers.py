"""Whole numbers sent as text: a form's field, an id in a posted form, a page number.

``str.isdigit`` is true of "²" and "①", which ``int`` refuses, and ``int`` refuses a
text of more than 4,300 digits: each was a 500 where ``isdigit`` was trusted before
``int``. Full-width digits, which a Chinese input method types, are read as digits.
"""

from __future__ import annotations

MAX_DIGITS = 18  # more than any id, count or number of days the platform keeps

_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def whole_number(text: str) -> int | None:
    """``text`` (spaces around it aside) as a whole number of at most ``MAX_DIGITS``
    digits, else None."""
    digits = text.strip().translate(_FULL_WIDTH_DIGITS)
    if digits.isascii() and digits.isdigit() and len(digits) <= MAX_DIGITS:
        return int(digits)
    return None
