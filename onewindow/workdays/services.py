"""Writes to the working-day calendar. Each runs in one transaction with its audit
record and moves ``CalendarRevision``, so every process rebuilds its calendar.

Only platform admins (or the system, ``actor=None``) write; a refused attempt is audited
too, since a change here moves every deadline in the city.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onewindow.audit.services import record_event, refused
from onewindow.core.errors import FieldErrors, Forbidden, NotFound
from onewindow.workdays import calendar, permissions
from onewindow.workdays.models import CalendarRevision, CalendarYear, WorkdayOverride
from onewindow.workdays.validation import (
    DayEntry,
    clean_entry,
    clean_year,
    clean_year_document,
)


def _bump_revision() -> None:
    CalendarRevision.objects.get_or_create(pk=1)
    CalendarRevision.objects.filter(pk=1).update(
        number=F("number") + 1, stamp=secrets.token_hex(16)
    )
    # This process sees its own change at once, inside the transaction and after it;
    # other processes at their next revalidation.
    calendar.forget()
    transaction.on_commit(calendar.forget)


def _require_manager(
    actor: Any | None, *, action: str, target: tuple[str, str], request: HttpRequest | None
) -> None:
    if permissions.can_manage_calendar(actor):
        return
    raise refused(
        Forbidden(_("Only platform admins may change the working-day calendar.")),
        actor=actor,
        action=action,
        target=target,
        request=request,
    )


def _override_target(day: date) -> tuple[str, str]:
    return ("workdays.workdayoverride", str(day))


def _override_detail(override: WorkdayOverride | DayEntry | None) -> dict[str, Any] | None:
    if override is None:
        return None
    return {
        "is_working_day": override.is_working_day,
        "name": override.name,
        "name_en": override.name_en,
        "note": override.note,
    }


def _store(actor: Any | None, entry: DayEntry) -> tuple[WorkdayOverride, dict[str, Any] | None]:
    """Create or update the day's override; return it and what it was before."""
    existing = WorkdayOverride.objects.select_for_update().filter(day=entry.day).first()
    previous = _override_detail(existing)
    if existing is not None and previous == _override_detail(entry):
        return existing, previous
    override = existing or WorkdayOverride(day=entry.day, created_by=_user_or_none(actor))
    override.is_working_day = entry.is_working_day
    override.name, override.name_en, override.note = entry.name, entry.name_en, entry.note
    override.updated_at = timezone.now()
    override.save()
    return override, previous


def _user_or_none(actor: Any | None) -> Any | None:
    return actor if getattr(actor, "is_authenticated", False) else None


def set_override(
    *,
    actor: Any | None,
    day: date,
    is_working_day: bool,
    name: str,
    name_en: str = "",
    note: str = "",
    request: HttpRequest | None = None,
) -> WorkdayOverride:
    """Make ``day`` a working day or a day off, whatever the package says."""
    _require_manager(
        actor, action="workdays.override_set", target=_override_target(day), request=request
    )
    errors = FieldErrors()
    entry = clean_entry(
        {"day": day, "working": is_working_day, "name": name, "name_en": name_en, "note": note},
        errors,
    )
    errors.raise_if_any()
    assert entry is not None
    with transaction.atomic():
        override, previous = _store(actor, entry)
        _bump_revision()
        record_event(
            actor=actor,
            action="workdays.override_set",
            target=_override_target(day),
            detail={
                "day": entry.day.isoformat(),
                **(_override_detail(override) or {}),
                "previous": previous,
            },
            request=request,
        )
    return override


def remove_override(*, actor: Any | None, day: date, request: HttpRequest | None = None) -> None:
    """Give ``day`` back to the package (or to Monday–Friday in a declared year)."""
    _require_manager(
        actor, action="workdays.override_removed", target=_override_target(day), request=request
    )
    with transaction.atomic():
        override = WorkdayOverride.objects.select_for_update().filter(day=day).first()
        if override is None:
            raise NotFound(
                _("There is no override for %(day)s.") % {"day": day.isoformat()},
                code="not_found",
            )
        previous = _override_detail(override)
        override.delete()
        _bump_revision()
        record_event(
            actor=actor,
            action="workdays.override_removed",
            target=_override_target(day),
            detail={"day": day.isoformat(), "previous": previous},
            request=request,
        )


def _clean_year_and_note(year: Any, note: Any) -> tuple[int, str]:
    errors = FieldErrors()
    year = clean_year(year, "year", errors)
    note = errors.text(note, "note")
    errors.raise_if_any()
    return year, note


def _declare(actor: Any | None, year: int, note: str, request: HttpRequest | None) -> CalendarYear:
    entry, _created = CalendarYear.objects.select_for_update().get_or_create(year=year)
    entry.complete = True
    entry.note = note or entry.note
    entry.declared_by = _user_or_none(actor)
    entry.declared_at = timezone.now()
    entry.save()
    record_event(
        actor=actor,
        action="workdays.year_declared",
        target=entry,
        detail={"year": year, "note": entry.note},
        request=request,
    )
    return entry


def declare_year(
    *, actor: Any | None, year: int, note: str = "", request: HttpRequest | None = None
) -> CalendarYear:
    """Declare ``year``'s holidays and adjusted working days entered, so the calendar
    uses it: Monday to Friday except its overrides. For a year the package knows this
    changes nothing: the package stays the default there, overrides still win."""
    _require_manager(
        actor,
        action="workdays.year_declared",
        target=("workdays.calendaryear", str(year)),
        request=request,
    )
    year, note = _clean_year_and_note(year, note)
    with transaction.atomic():
        entry = _declare(actor, year, note, request)
        _bump_revision()
    return entry


def withdraw_year(
    *, actor: Any | None, year: int, request: HttpRequest | None = None
) -> CalendarYear:
    """Take back a declaration: deadlines reaching into the year fail again until it is
    declared. Its overrides stay."""
    _require_manager(
        actor,
        action="workdays.year_withdrawn",
        target=("workdays.calendaryear", str(year)),
        request=request,
    )
    with transaction.atomic():
        entry = CalendarYear.objects.select_for_update().filter(year=year, complete=True).first()
        if entry is None:
            raise NotFound(_("%(year)d has not been declared.") % {"year": year}, code="not_found")
        entry.complete = False
        entry.save(update_fields=["complete"])
        _bump_revision()
        record_event(
            actor=actor,
            action="workdays.year_withdrawn",
            target=entry,
            detail={"year": year},
            request=request,
        )
    return entry


@dataclass(frozen=True)
class YearImport:
    year: int
    added: int
    changed: int
    removed: int
    unchanged: int
    declared: bool


def import_year(
    *,
    actor: Any | None,
    document: Mapping[str, Any],
    declare: bool = True,
    request: HttpRequest | None = None,
) -> YearImport:
    """Replace one year's overrides with those of ``document`` (see ``validation``) and,
    with ``declare``, declare the year complete. Everything is checked first: one bad
    row stores nothing. Days of the year missing from the document lose their override."""
    raw_year = document.get("year") if isinstance(document, Mapping) else None
    _require_manager(
        actor,
        action="workdays.year_imported",
        target=("workdays.calendaryear", str(raw_year)),
        request=request,
    )
    cleaned = clean_year_document(document)
    year = cleaned.year
    counts = {"added": 0, "changed": 0, "removed": 0, "unchanged": 0}
    with transaction.atomic():
        wanted = {entry.day: entry for entry in cleaned.days}
        stale = WorkdayOverride.objects.filter(day__year=year).exclude(day__in=list(wanted))
        counts["removed"] = len(stale.select_for_update())
        stale.delete()
        for entry in cleaned.days:
            _, previous = _store(actor, entry)
            if previous is None:
                counts["added"] += 1
            elif previous != _override_detail(entry):
                counts["changed"] += 1
            else:
                counts["unchanged"] += 1
        if declare:
            _declare(actor, year, cleaned.note, request)
        elif cleaned.note:
            CalendarYear.objects.update_or_create(year=year, defaults={"note": cleaned.note})
        _bump_revision()
        record_event(
            actor=actor,
            action="workdays.year_imported",
            target=("workdays.calendaryear", str(year)),
            detail={"year": year, "days": len(cleaned.days), "declared": declare, **counts},
            request=request,
        )
    return YearImport(year=year, declared=declare, **counts)
