"""Phone answers as people type them, made the 11 digits the forms' patterns check.

An answer a definition asks with the ``tel`` widget is a phone number, and its
``pattern`` (the demo forms': ``^1[3-9][0-9]{9}$``) judges the digits alone. People type
them otherwise: grouped ("139 1620 0102", "139-1620-0102"), with the country code
("+86 139...", "0086 139...", "86139..."), or in full-width digits, which a Chinese input
method gives ("１３９１６２００１０２"). Each is the same number, so it is made 11 digits
before the pattern sees it, and stored so.

``identity.validators.clean_mobile_phone`` does the same for an account's number; here
the definition's pattern, not a fixed rule, decides what a phone answer may be (a form
may ask for a landline, "021-6666 8888", whose hyphen its pattern may want), so an
answer that is not a mobile number once cleaned is left as it was typed (full-width
characters made plain) for the pattern to judge.
"""

from __future__ import annotations

import re
import unicodedata

# Spaces and hyphens grouping the digits (and the dashes that look like hyphens), once
# NFKC has made the ideographic space and the full-width hyphen plain ones. Not every
# \s: a control character is refused as hidden (``validation``), not dropped.
_SEPARATORS = re.compile("[ \u2010\u2011\u2013\u2014\u2212-]+")
# A mainland mobile number: 11 digits from 1 (a landline's area code starts with 0).
_MOBILE = re.compile(r"1[0-9]{10}")
# Mainland China's country code as dialled: "+86", "0086" from abroad, or bare "86".
_COUNTRY_CODES = ("+86", "0086", "86")


def normalized(typed: str) -> str:
    """``typed`` as its 11 digits if it is a mobile number, grouped, with a country code
    or in full-width characters; else ``typed`` with full-width characters made plain."""
    plain = unicodedata.normalize("NFKC", typed).strip()
    digits = _SEPARATORS.sub("", plain)
    if _MOBILE.fullmatch(digits):
        return digits
    for code in _COUNTRY_CODES:
        rest = digits.removeprefix(code)
        # Only a code before 11 digits: "86" may also begin a number of its own.
        if rest != digits and _MOBILE.fullmatch(rest):
            return rest
    return plain
