"""Bank account numbers as people type them, made the bare digits a case keeps.

An answer of ``"format": "cn-bank-account"`` is the number of a mainland bank account or
card: 12 to 19 digits (a UnionPay card has 16 to 19, a passbook account fewer). People
type it as the card prints it, in groups ("6222 0212 3456 7890", "6222-0212-..."), or in
full-width digits from a Chinese input method; each is the same number, so it is made
its digits before it is checked, and stored so, as identity and phone numbers are
(``identity.validators``). No check digit is tested: passbook and company accounts have
none, and a card's Luhn digit would refuse only what the bank refuses anyway.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from onewindow.identity.validators import ungrouped

_DIGITS = re.compile("[0-9]+")  # ASCII only: NFKC leaves other scripts' digits as they are
FEWEST_DIGITS, MOST_DIGITS = 12, 19

ONLY_DIGITS = _(
    "A bank account number is made of digits only; spaces or hyphens between them may stay."
)
# What is wrong, said with the count found: a number typed in groups is counted by its
# digits, so the applicant can tell a digit left out from a group typed twice.
WRONG_LENGTH = _("A bank account number has 12 to 19 digits; this one has %(count)d.")


def normalized(typed: str) -> str:
    """``typed`` as its digits if it is made of digits and separators only; else as
    typed, full-width characters made plain, for the check to refuse in its words."""
    compact = ungrouped(typed)
    return compact if _DIGITS.fullmatch(compact) else unicodedata.normalize("NFKC", typed).strip()


def clean_bank_account(value: str) -> str:
    """The account number's digits (``identity.validators.ungrouped``), or ``ValidationError``
    saying what is wrong: a character that is not a digit, or how many digits it has."""
    compact = ungrouped(value)
    if not _DIGITS.fullmatch(compact):
        raise ValidationError(ONLY_DIGITS, code="digits")
    if not FEWEST_DIGITS <= len(compact) <= MOST_DIGITS:
        raise ValidationError(WRONG_LENGTH, code="length", params={"count": len(compact)})
    return compact
