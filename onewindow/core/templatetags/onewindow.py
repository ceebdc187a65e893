"""Template helpers shared by every app's pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import pgettext

from onewindow.core.language import is_english

register = template.Library()


def _field(obj: Any, name: str) -> Any:
    value = getattr(obj, name, None)
    if value is None and isinstance(obj, dict):
        value = obj.get(name)
    return value


def _localized(obj: Any, field: str) -> tuple[str, bool]:
    """The text, and whether an English page shows the Chinese one for want of English."""
    if obj is None:
        return "", False
    english_page = is_english()
    if english_page and (english := _field(obj, f"{field}_en")):
        return str(english), False
    text = str(_field(obj, field) or "")
    return text, english_page and bool(text)


@register.filter
def localized(obj: Any, field: str = "name") -> str:
    """``obj.<field>_en`` when the page is in English and it is filled, else ``obj.<field>``:
    ``{{ department|localized }}``, ``{{ version|localized:"summary" }}``."""
    return _localized(obj, field)[0]


@register.filter
def localized_marked(obj: Any, field: str = "name") -> SafeString:
    """``localized``, with the Chinese text an English page falls back to marked as
    Chinese (``<span lang="zh-Hans">``), so that a screen reader reads it as Chinese."""
    text, fell_back = _localized(obj, field)
    if fell_back:
        return format_html('<span lang="zh-Hans">{}</span>', text)
    return conditional_escape(text)


@register.simple_tag
def label(text: str) -> str:
    """``text`` and a colon as the page's language writes them before a value: "Status: "
    in English, "状态：" in Chinese (a full-width colon, no space). Pass the text
    translated: ``{% label _("Status") %}{{ value }}``."""
    return pgettext("a label before its value", "%(label)s: ") % {"label": text}
