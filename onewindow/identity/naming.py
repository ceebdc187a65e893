"""Departments named in a sentence: "市公安局、市税务局" / "Public Security, Taxation"."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.functional import lazy
from django.utils.translation import pgettext

from onewindow.core.templatetags.onewindow import localized
from onewindow.identity.models import Department


def names(departments: Iterable[Department]) -> str:
    """Each department's name in the active language, in a list as the language writes one."""
    return pgettext("list separator", ", ").join(localized(d) for d in departments)


# For a message kept lazy: the names come in the language of whoever reads it, as the
# rest of the message does.
lazy_names = lazy(names, str)
