"""The two languages of the pages, as the code asks about them."""

from __future__ import annotations

from django.utils.translation import get_language


def is_english(language: str | None = None) -> bool:
    """Whether ``language`` (default: the active one) is English, which picks the ``*_en``
    fields of data that carries both names."""
    return (language or get_language() or "").startswith("en")


def page_language() -> str:
    """The active language as one of ``settings.LANGUAGES``' codes, for what is stored
    (a new account's language): ``en-us`` and the like are English."""
    return "en" if is_english() else "zh-hans"
