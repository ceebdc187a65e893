"""Checking a form definition's layout (its sections, in order, and the hints of each
field) against the questions its schema has: every question placed once, nothing placed
that is not one, hints that fit each question's type, no two labels alike. Part of
``schema.check_definition``."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from onewindow.forms import spec

_AUTOCOMPLETE = re.compile(r"^[a-z0-9 -]{1,60}$")


def check_layout(properties: dict[str, Any], layout: Any, *, sound: set[str]) -> list[str]:
    """The layout's problems, against the schema's ``properties``. Hints are judged
    only for the ``sound`` properties, those the schema's checks found nothing wrong
    with: of another, its type (which the hints must fit) may be anything."""
    sections = layout.get("sections") if isinstance(layout, dict) else None
    if (
        not isinstance(sections, list)
        or not sections
        or not all(_section_is_valid(section) for section in sections)
        or set(layout) - {"sections", "fields"}
    ):
        return [
            _("The layout must have a list of sections, each with a title and a list of fields.")
        ]
    problems: list[str] = []
    seen: set[str] = set()
    for section in sections:
        for name in section["fields"]:
            if name not in properties:
                problems.append(
                    _("The layout names a field that is not in the schema: %(name)s")
                    % {"name": name}
                )
            elif name in seen:
                problems.append(
                    _("The field %(name)s appears more than once in the layout.") % {"name": name}
                )
            seen.add(name)
    for name in properties:
        if name not in seen:
            problems.append(
                _("The schema property %(name)s is missing from the layout.") % {"name": name}
            )
    hints = layout.get("fields", {})
    if not isinstance(hints, dict):
        return [*problems, _("The layout's fields must be an object of hints by field name.")]
    for name, field_hints in hints.items():
        if name not in properties:
            problems.append(
                _("The layout names a field that is not in the schema: %(name)s") % {"name": name}
            )
        elif not isinstance(field_hints, dict):
            problems.append(_("%(name)s: hints must be an object.") % {"name": name})
        elif name in sound:
            problems.extend(_check_hints(name, properties[name], field_hints))
    problems.extend(_check_labels(properties, hints))
    return problems


def _check_labels(properties: dict[str, Any], hints: dict[str, Any]) -> list[str]:
    """No two questions with one label in either language: error summaries and case
    pages name a question by its label alone."""
    chinese = {
        name: prop.get("title") if isinstance(prop, dict) else None
        for name, prop in properties.items()
    }
    english = {}
    for name in properties:
        field_hints = hints.get(name)
        label_en = field_hints.get("label_en") if isinstance(field_hints, dict) else None
        english[name] = label_en or chinese[name]
    problems: list[str] = []
    for labels in (chinese, english):
        first: dict[str, str] = {}
        for name, label in labels.items():
            text = str(label or "").strip()
            if not text:
                continue  # a missing title is a problem of its own
            other = first.setdefault(text.casefold(), name)
            if other != name:
                problems.append(
                    _("%(name)s: the label “%(label)s” is also the label of %(other)s.")
                    % {"name": name, "label": text, "other": other}
                )
    return list(dict.fromkeys(problems))  # once, when both languages repeat one label


def _section_is_valid(section: Any) -> bool:
    return (
        isinstance(section, dict)
        and not set(section) - spec.SECTION_KEYS
        and bool(str(section.get("title") or "").strip())
        and isinstance(section.get("fields"), list)
        and all(isinstance(name, str) for name in section["fields"])
    )


def _check_hints(name: str, prop: dict[str, Any], hints: dict[str, Any]) -> list[str]:
    problems = [
        _("%(name)s: unknown layout hint %(hint)s.") % {"name": name, "hint": hint}
        for hint in sorted(set(hints) - spec.HINT_KEYS)
    ]
    kind = prop["type"]
    widget = spec.widget_for(prop, hints)
    has_choices = "enum" in prop or kind == "array"
    if (
        widget not in spec.WIDGETS_BY_TYPE[kind]
        or (has_choices and widget not in spec.CHOICE_WIDGETS | {"checkbox"})
        or (widget == "date" and prop.get("format") != "date")
    ):
        problems.append(
            _("%(name)s: the widget %(widget)s does not fit a property of type %(type)s.")
            % {"name": name, "widget": widget, "type": kind}
        )
    elif widget in spec.CHOICE_WIDGETS and kind in ("string", "integer") and "enum" not in prop:
        problems.append(
            _("%(name)s: the widget %(widget)s needs a list of choices (enum).")
            % {"name": name, "widget": widget}
        )
    choices = prop.get("enum") or (prop.get("items") or {}).get("enum")
    for names_key in ("enumNames", "enumNames_en"):
        if names_key in hints and (
            not choices
            or not isinstance(hints[names_key], list)
            or len(hints[names_key]) != len(choices)
        ):
            problems.append(
                _("%(name)s: %(hint)s must have one label per choice.")
                % {"name": name, "hint": names_key}
            )
    if "autocomplete" in hints and not _AUTOCOMPLETE.match(str(hints["autocomplete"])):
        problems.append(_("%(name)s: autocomplete is not a valid token.") % {"name": name})
    return problems
