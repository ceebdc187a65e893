"""Template helpers shared by every app's pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language, pgettext

register = template.Library()


@register.filter
def localized(obj: Any, field: str = "name") -> str:
    """``obj.<field>_en`` when the page is in English and it is filled, else ``obj.<field>``:
    ``{{ department|localized }}``, ``{{ version|localized:"summary" }}``."""
    if obj is None:
        return ""
    if (get_language() or "").startswith("en"):
        english = getattr(obj, f"{field}_en", "") or (
            obj.get(f"{field}_en", "") if isinstance(obj, dict) else ""
        )
        if english:
            return str(english)
    value = getattr(obj, field, None)
    if value is None and isinstance(obj, dict):
        value = obj.get(field, "")
    return str(value or "")


@register.simple_tag
def label(text: str) -> str:
    """``text`` and a colon as the page's language writes them before a value: "Status: "
    in English, "状态：" in Chinese (a full-width colon, no space). Pass the text
    translated: ``{% label _("Status") %}{{ value }}``."""
    return pgettext("a label before its value", "%(label)s: ") % {"label": text}
