"""Filters for the text templates of notifications."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import template
from django.utils import formats, timezone

register = template.Library()


@register.filter
def when(value: Any) -> Any:
    """A date or time in the active language's format and the city's time zone; text
    the caller already formatted passes through (Django's ``date`` filter would blank it)."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return formats.date_format(value, "DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "DATE_FORMAT")
    return value
