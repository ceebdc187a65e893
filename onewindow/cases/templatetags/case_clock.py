"""Filters of the case pages' time-limit panel (``cases/_time_limit.html``)."""

from __future__ import annotations

from typing import Any

from django import template

from onewindow.cases import presenters
from onewindow.cases.models import Case

register = template.Library()


@register.filter
def counted_from_submission(case: Any) -> bool:
    """``presenters.counted_from_submission``; False, as filters fail quietly, for
    anything but a case (a template rendered without one)."""
    return isinstance(case, Case) and presenters.counted_from_submission(case)
