"""Phone answers as people type them, made the 11 digits the forms' patterns check.

An answer a definition asks with the ``tel`` widget is a phone number, and its
``pattern`` (the demo forms': ``^1[3-9][0-9]{9}$``) judges the digits alone. People type
them otherwise: grouped ("139 1620 0102", "139-1620-0102"), with the country code
("+86 139...", "0086 139...", "86139..."), or in full-width digits, which a Chinese input
method gives ("１３９１６２００１０２"). Each is the same number, so it is made 11 digits
before the pattern sees it, and stored so.

An account's number is cleaned the same way (``identity.validators.mobile_digits``);
here the definition's pattern, not a fixed rule, decides what a phone answer may be (a
form may ask for a landline, "021-6666 8888", whose hyphen its pattern may want), so an
answer that is not a mobile number once cleaned is left as it was typed (full-width
characters made plain) for the pattern to judge.
"""

from __future__ import annotations

import unicodedata

from onewindow.identity.validators import mobile_digits


def normalized(typed: str) -> str:
    """``typed`` as its 11 digits if it is a mobile number, grouped, with a country code
    or in full-width characters; else ``typed`` with full-width characters made plain."""
    return mobile_digits(typed) or unicodedata.normalize("NFKC", typed).strip()
