"""Template filters of the workflow pages."""

from __future__ import annotations

from django import template

from onewindow.workflow import registry

register = template.Library()


@register.filter
def function_label(name: str) -> str:
    """What the platform function ``name`` does, in the page's language."""
    return registry.label(name)
