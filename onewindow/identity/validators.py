"""Checks of Chinese identity codes, delegated to python-stdnum.

Each function returns the compact form or raises ``ValidationError`` with a message
in the user's language that says which part is wrong.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum import numdb
from stdnum.cn import ric, uscc


def clean_resident_id(value: str) -> str:
    """GB 11643 resident identity number: 18 characters, region, birth date, check digit."""
    try:
        compact = ric.compact(value.replace(" ", "").replace("\u3000", ""))
        if len(compact) != 18:
            raise stdnum_errors.InvalidLength()
        return str(ric.validate(compact))
    except stdnum_errors.InvalidChecksum as exc:
        raise ValidationError(
            _("The check digit of this identity number is wrong."), code="checksum"
        ) from exc
    except stdnum_errors.InvalidLength as exc:
        raise ValidationError(_("An identity number has 18 characters."), code="length") from exc
    except stdnum_errors.InvalidComponent as exc:
        if _birth_date_is_bad(compact):
            raise ValidationError(
                _("The birth date in this identity number is not a real date."),
                code="birth_date",
            ) from exc
        spans = _region_spans(compact[:6])
        if not spans:
            raise ValidationError(
                _("The region code in this identity number does not exist."), code="region"
            ) from exc
        if not _in_use_since(spans, ric.get_birth_date(compact).year):
            raise ValidationError(
                _(
                    "The region code in this identity number was no longer in use when "
                    "its holder was born."
                ),
                code="region_retired",
            ) from exc
        # python-stdnum wants the region in use in the birth year; a number is given
        # later (a first card at 16, a new one after moving or a district's new code),
        # so a Pudong code (1992 on) on a 1990 birth is genuine.
        return str(compact)
    except stdnum_errors.ValidationError as exc:
        raise ValidationError(_("This is not a valid identity number."), code="format") from exc


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


def _birth_date_is_bad(compact: str) -> bool:
    try:
        ric.get_birth_date(compact)
    except stdnum_errors.ValidationError:
        return True
    return False


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


def validate_resident_id(value: str) -> None:
    clean_resident_id(value)


def validate_uscc(value: str) -> None:
    clean_uscc(value)
