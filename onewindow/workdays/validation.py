"""Checking calendar input: one override's fields, and a whole year's JSON document.

Errors are collected with the field at fault (``days[3].day``), so an import reports
every problem at once and stores nothing until all of it is right.

The year document::

    {"year": 2027, "note": "…",
     "days": [{"day": "2027-01-01", "working": false, "name": "元旦",
               "name_en": "New Year's Day", "note": ""}, …]}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from onewindow.core.errors import FieldErrors
from onewindow.workdays.models import NAME_LENGTH

# The years the calendar accepts input for: wide enough for any case the platform
# holds, narrow enough to catch a typed 20277.
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class DayEntry:
    day: date
    is_working_day: bool
    name: str
    name_en: str = ""
    note: str = ""


@dataclass(frozen=True)
class YearDocument:
    year: int
    note: str
    days: tuple[DayEntry, ...]


def clean_year(value: Any, name: str, errors: FieldErrors) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        errors.add(name, _("Must be a whole number."))
        return 0
    if not FIRST_YEAR <= value <= LAST_YEAR:
        errors.add(
            name,
            _("Must be a year from %(first)d to %(last)d.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
        )
    return value


def clean_day(value: Any, name: str, errors: FieldErrors) -> date | None:
    if isinstance(value, date) and not hasattr(value, "hour"):
        day = value
    elif isinstance(value, str):
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            errors.add(name, _("Must be a date written YYYY-MM-DD."))
            return None
    else:
        errors.add(name, _("Must be a date written YYYY-MM-DD."))
        return None
    clean_year(day.year, name, errors)
    return day


def clean_entry(
    data: Mapping[str, Any], errors: FieldErrors, *, prefix: str = ""
) -> DayEntry | None:
    """One day's fields: ``day``, ``working`` (or ``is_working_day``), names, note."""
    day = clean_day(data.get("day"), f"{prefix}day", errors)
    working_key = "working" if "working" in data else "is_working_day"
    working = data.get(working_key)
    if not isinstance(working, bool):
        errors.add(f"{prefix}{working_key}", _("Must be true or false."))
    name = errors.text(data.get("name"), f"{prefix}name", required=True, limit=NAME_LENGTH)
    name_en = errors.text(data.get("name_en"), f"{prefix}name_en", limit=NAME_LENGTH)
    note = errors.text(data.get("note"), f"{prefix}note")
    if day is None or not isinstance(working, bool):
        return None
    return DayEntry(day=day, is_working_day=working, name=name, name_en=name_en, note=note)


def clean_year_document(document: Any) -> YearDocument:
    """Check a whole year's document; raise ``InvalidInput`` listing every problem."""
    errors = FieldErrors()
    if not isinstance(document, Mapping):
        errors.add("__all__", _("Expected a JSON object with a year and its days."))
        errors.raise_if_any()
    year = clean_year(document.get("year"), "year", errors)
    note = errors.text(document.get("note"), "note")
    rows = document.get("days")
    if not isinstance(rows, list):
        errors.add("days", _("Expected a list of days."))
        rows = []
    entries: list[DayEntry] = []
    seen: dict[date, int] = {}
    for index, row in enumerate(rows):
        prefix = f"days[{index}]."
        if not isinstance(row, Mapping):
            errors.add(f"days[{index}]", _("Expected an object with day, working and name."))
            continue
        entry = clean_entry(row, errors, prefix=prefix)
        if entry is None:
            continue
        if year and entry.day.year != year:
            errors.add(f"{prefix}day", _("This day is not in %(year)d.") % {"year": year})
        elif entry.day in seen:
            errors.add(
                f"{prefix}day",
                _("The same day as days[%(index)d].") % {"index": seen[entry.day]},
            )
        else:
            seen[entry.day] = index
            entries.append(entry)
    errors.raise_if_any()
    return YearDocument(year=year, note=note, days=tuple(entries))
