"""Checks of Chinese identity codes (delegated to python-stdnum) and of mobile numbers.

Each function returns the compact form or raises ``ValidationError`` with a message
in the user's language that says which part is wrong.
"""

import re
import unicodedata
from datetime import date

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum import numdb
from stdnum.cn import ric, uscc

# Spaces and hyphens people type to group the digits ("138 1234 5678", "138-1234-5678"),
# and the dashes that look like hyphens, once NFKC has made the ideographic space and the
# full-width hyphen plain ones: in phone and identity numbers alike. Not every \s: a
# control character is refused as hidden where answers are checked, not dropped.
_SEPARATORS = re.compile("[ \u2010\u2011\u2013\u2014\u2212-]+")


def ungrouped(typed: str) -> str:
    """A number as people type it without its grouping: full-width characters (a Chinese
    input method's) made plain by NFKC, ends stripped, spaces and hyphens dropped. What
    identity, phone and bank account numbers are read from."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", typed).strip())


# The earliest birth date a number may carry: nobody born before it is alive to hold
# one, and the passport form's birth date answer has the same bound.
EARLIEST_BIRTH_DATE = date(1900, 1, 1)


ID_NUMBER_LENGTH = _("An identity number has 18 characters.")
# How long an identity number may be as typed: its 18 characters with a space or a
# hyphen between any two (people group it as 6-8-4, or in fours as bank cards are).
ID_NUMBER_TYPED_MAX = 18 + 17


def resident_id_characters(typed: str) -> str:
    """An identity number as people type it, as its bare characters: full-width digits
    and X (a Chinese input method's) made ASCII by NFKC, as the ideographic space is made
    a plain one; grouping spaces and hyphens dropped, as in phone numbers
    (``mobile_digits``); a lower-case x check character upper-cased. Upper-casing
    after NFKC: a full-width ｘ upper-cased first stays full-width (Ｘ), no check digit."""
    return ungrouped(typed).upper()


def clean_resident_id(value: str) -> str:
    """GB 11643 resident identity number: 18 characters, region, birth date, check digit.

    Read as typed (``resident_id_characters``). The birth date must be a real day from
    1900-01-01 to today in the city's time zone, both included (a newborn has a number).
    The region code must have been in use at the holder's birth or later."""
    compact = str(ric.compact(resident_id_characters(value)))
    region_in_use = True  # what python-stdnum's own check says of the region
    try:
        if len(compact) != 18:
            raise stdnum_errors.InvalidLength()
        ric.validate(compact)
    except stdnum_errors.InvalidChecksum as exc:
        raise ValidationError(
            _("The check digit of this identity number is wrong."), code="checksum"
        ) from exc
    except stdnum_errors.InvalidLength as exc:
        raise ValidationError(ID_NUMBER_LENGTH, code="length") from exc
    except stdnum_errors.InvalidComponent:
        # The birth date or the region, which python-stdnum does not tell apart: both
        # are checked below, in our own terms.
        region_in_use = False
    except stdnum_errors.ValidationError as exc:
        raise ValidationError(_("This is not a valid identity number."), code="format") from exc
    born = _birth_date(compact)
    if not region_in_use:
        # A region python-stdnum found in use at the birth needs no second look up.
        _check_region(compact[:6], born.year)
    return compact


def _birth_date(compact: str) -> date:
    """The birth date in a number whose length, digits and check digit are right.
    python-stdnum checks only that the date exists, so 2099-12-31 and 1800-01-01 pass
    it; they are nobody's birth date."""
    try:
        born = ric.get_birth_date(compact)
    except stdnum_errors.ValidationError as exc:
        raise ValidationError(
            _("The birth date in this identity number is not a real date."),
            code="birth_date",
        ) from exc
    if born > timezone.localdate():
        raise ValidationError(
            _("The birth date in this identity number is in the future."),
            code="birth_date_future",
        )
    if born < EARLIEST_BIRTH_DATE:
        raise ValidationError(
            _("The birth date in this identity number is before 1900."),
            code="birth_date_too_early",
        )
    return born


def _check_region(code: str, birth_year: int) -> None:
    """python-stdnum wants the region in use in the birth year; a number is given later
    (a first card at 16, a new one after moving or a district's new code), so a Pudong
    code (1992 on) on a 1990 birth is genuine. Refused: a code that never existed, and
    one retired before its holder was born."""
    spans = _region_spans(code)
    if not spans:
        raise ValidationError(
            _("The region code in this identity number does not exist."), code="region"
        )
    if not _in_use_since(spans, birth_year):
        raise ValidationError(
            _(
                "The region code in this identity number was no longer in use when "
                "its holder was born."
            ),
            code="region_retired",
        )


def _region_spans(code: str) -> list[tuple[int | None, int | None]]:
    """The years each county that had the six-digit ``code`` used it (None: open), from
    python-stdnum's own region table; empty for a code that never existed."""
    info = {k: v for _part, props in numdb.get("cn/loc").info(code) for k, v in props.items()}
    if "county" not in info:
        return []
    spans: list[tuple[int | None, int | None]] = []
    for county in info["county"].split(","):
        if not county.startswith("["):
            spans.append((None, None))
            continue
        start, end = county[1:].split("]")[0].split("-")
        spans.append((int(start) if start else None, int(end) if end else None))
    return spans


def _in_use_since(spans: list[tuple[int | None, int | None]], year: int) -> bool:
    """Whether the code was still in use in or after ``year`` (a number is given after
    its holder's birth, never before)."""
    return any(end is None or end >= year for _start, end in spans)


def clean_uscc(value: str) -> str:
    """GB 32100 unified social credit code: 18 characters with a check character."""
    try:
        return str(uscc.validate(value))
    except stdnum_errors.InvalidChecksum as exc:
        raise ValidationError(
            _("The check character of this credit code is wrong."), code="checksum"
        ) from exc
    except stdnum_errors.InvalidLength as exc:
        raise ValidationError(
            _("A unified social credit code has 18 characters."), code="length"
        ) from exc
    except stdnum_errors.ValidationError as exc:
        raise ValidationError(
            _("This is not a valid unified social credit code."), code="format"
        ) from exc


# What the application forms' phone answers accept ("pattern" in forms/definitions):
# mainland China's mobile numbers, 11 digits from 13x to 19x. What an account stores
# is prefilled into those answers, so it must pass the same pattern.
MOBILE_PHONE = re.compile(r"1[3-9][0-9]{9}")
# Mainland China's country code as dialled: "+86", "0086" from abroad, or bare "86".
_COUNTRY_CODES = ("+86", "0086", "86")
ENTER_MOBILE_PHONE = _("Enter an 11-digit mobile number, like 13812345678.")


def mobile_digits(typed: str) -> str | None:
    """A mainland China mobile number as people type it, as its 11 digits: full-width
    characters (a Chinese input method's) made ASCII, grouping spaces and hyphens and a
    leading country code dropped; None when it is no such number. What it returns
    matches ``MOBILE_PHONE``, so it prefills validly."""
    digits = ungrouped(typed)
    if MOBILE_PHONE.fullmatch(digits):
        return digits
    for code in _COUNTRY_CODES:
        rest = digits.removeprefix(code)
        # Only a code before 11 digits: "86" may also begin a number of its own.
        if rest != digits and MOBILE_PHONE.fullmatch(rest):
            return rest
    return None


def clean_mobile_phone(value: str) -> str:
    """An account's mobile number as its 11 digits (``mobile_digits``), or refused."""
    digits = mobile_digits(value)
    if digits is None:
        raise ValidationError(ENTER_MOBILE_PHONE, code="mobile_phone")
    return digits


# What a user name may hold is Django's rule for them, ``\w`` in Unicode: letters and
# digits of any script (王小明 is a user name) and @ . + - _. Django's message says
# "letters", which its Chinese catalogue renders 英文字母 (its ASCII validator's words),
# refusing in words what the rule accepts; these say what it accepts.
USERNAME_RULE = _(
    "Use only letters (Chinese characters too), digits and the characters @ . + - _ in a user name."
)
USERNAME_HINT = _("At most 150 characters: letters (Chinese characters too), digits and @ . + - _.")


class UsernameValidator(UnicodeUsernameValidator):
    """Django's user-name rule (the model field's), unchanged, with a message true of it."""

    message = USERNAME_RULE


validate_username = UsernameValidator()


def validate_resident_id(value: str) -> None:
    clean_resident_id(value)


def validate_uscc(value: str) -> None:
    clean_uscc(value)
