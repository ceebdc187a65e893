"""JSON Schema's own check of a form's schema (the draft 2020-12 metaschema), in the
reader's language: each problem says where it is (a property and its keyword, or a
keyword of the schema) and what is expected there, where jsonschema's English says
"'strng' is not valid under any of the given schemas".

``schema.check_definition`` asks for the problems and leaves out those its own, stricter
checks already report (``Found.path`` says where each one is). A text property's
``pattern`` that is no regular expression is left out here already: those checks
compile it as the metaschema's ``regex`` format does, but say so in words of their own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from jsonschema.validators import validator_for

from onewindow.forms import spec

MAX_SHOWN_CHARS = 60  # of a wrong value quoted in a message

# Schemas (as canonical JSON) the metaschema accepted. Checking one walks the whole
# draft 2020-12 metaschema, some 10 ms a schema, and the same forms are checked again and
# again (every seeding of the demo forms, every test that builds the demo city).
_ACCEPTED: set[str] = set()
_ACCEPTED_LIMIT = 1000


@dataclass(frozen=True)
class Found:
    path: tuple[str | int, ...]  # where in the schema, e.g. ("properties", "age", "minimum")
    message: str


def problems(schema: dict[str, Any]) -> list[Found]:
    """What the metaschema refuses in ``schema``, in the order of the schema's keys."""
    try:
        key: str | None = json.dumps(schema, sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError):  # not JSON: the metaschema will say what is wrong
        key = None
    if key is not None and key in _ACCEPTED:
        return []
    meta = Draft202012Validator.META_SCHEMA
    checker = validator_for(meta, default=Draft202012Validator)
    validator = checker(meta, format_checker=checker.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(schema), key=lambda e: [str(p) for p in e.absolute_path])
    if not errors:
        if key is not None:
            if len(_ACCEPTED) >= _ACCEPTED_LIMIT:
                _ACCEPTED.clear()
            _ACCEPTED.add(key)
        return []
    found = [
        Found(tuple(error.absolute_path), _message(error))
        for error in errors
        if not _said_by_the_subset(schema, error)
    ]
    return list({problem.message: problem for problem in found}.values())  # each once


_PROPERTY_NAME = re.compile(spec.NAME_PATTERN)


def _said_by_the_subset(schema: dict[str, Any], error: ValidationError) -> bool:
    """Whether ``error`` is a property's pattern that is no regular expression, which
    ``schema.check_definition``'s own check of the property reports: it reaches the
    pattern on a property of a well-formed name and a type of the subset; on another it
    stops before, and this message is the only one."""
    path = tuple(error.absolute_path)
    if error.validator != "format" or error.validator_value != "regex":
        return False
    if len(path) != 3 or path[0] != "properties" or path[2] != "pattern":
        return False
    kind = schema["properties"][path[1]].get("type")
    return (
        bool(_PROPERTY_NAME.match(str(path[1])))
        and isinstance(kind, str)
        and kind in spec.KEYWORDS_BY_TYPE
    )


def _message(error: ValidationError) -> str:
    path = tuple(error.absolute_path)
    if len(path) >= 3 and path[0] == "properties":
        return _("Property “%(name)s”: %(problem)s") % {
            "name": path[1],
            "problem": _problem(error, path[2:]),
        }
    return _problem(error, path)


def _keyword(path: Sequence[str | int]) -> str:
    """``("items", "enum", 0)`` → ``items.enum[0]``, as the file writes it."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _problem(error: ValidationError, path: Sequence[str | int]) -> str:
    keyword = _keyword(path) or _("The schema")
    value = shown(error.instance)
    kind, expected = error.validator, error.validator_value
    if kind in ("anyOf", "oneOf"):
        # The one alternative that lists values ("type": one of the type names) says
        # what is expected; jsonschema's own words only say that none matched.
        listed = [e for e in error.context or [] if e.validator == "enum"]
        if listed:
            kind, expected = "enum", listed[0].validator_value
    if kind == "type":
        types = expected if isinstance(expected, list) else [expected]
        alternatives = pgettext("between alternatives", " or ")
        return _("%(keyword)s must be %(expected)s, not %(value)s.") % {
            "keyword": keyword,
            "expected": alternatives.join(json_type(t) for t in types),
            "value": value,
        }
    if kind == "enum":
        separator = pgettext("list separator", ", ")
        return _("%(keyword)s must be one of %(choices)s, not %(value)s.") % {
            "keyword": keyword,
            "choices": separator.join(str(choice) for choice in expected),
            "value": value,
        }
    if kind == "minimum":
        return _("%(keyword)s must be at least %(limit)s, not %(value)s.") % {
            "keyword": keyword,
            "limit": expected,
            "value": value,
        }
    if kind == "uniqueItems":
        return _("%(keyword)s lists a value more than once.") % {"keyword": keyword}
    if kind == "minItems":
        return _("%(keyword)s must not be empty.") % {"keyword": keyword}
    if kind == "format" and expected == "regex":
        return _("%(keyword)s is not a valid regular expression: %(value)s.") % {
            "keyword": keyword,
            "value": value,
        }
    return _("%(keyword)s: JSON Schema does not accept %(value)s here.") % {
        "keyword": keyword,
        "value": value,
    }


def json_type(name: str) -> str:
    """A JSON type named for whoever writes the file."""
    words = {
        "string": pgettext("a JSON type", "text"),
        "integer": pgettext("a JSON type", "a whole number"),
        "number": pgettext("a JSON type", "a number"),
        "boolean": pgettext("a JSON type", "true or false"),
        "array": pgettext("a JSON type", "a list"),
        "object": pgettext("a JSON type", "an object"),
        "null": "null",
    }
    return words.get(name, name)


def shown(value: Any) -> str:
    """A value from the file, quoted as the message shows it: text in quotation marks,
    anything else as JSON."""
    if isinstance(value, str):
        text = f"“{value}”"
    else:
        text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= MAX_SHOWN_CHARS else text[: MAX_SHOWN_CHARS - 1] + "…"
