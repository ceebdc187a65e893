"""Checking a form definition before it is stored, and validating answers against it.

``check_definition`` refuses anything outside the subset in ``spec.py``: a keyword we do
not know might fetch (``$ref``, ``$id``, ``$dynamicRef``) or behave in ways the renderer
and the error messages do not cover. Every problem is collected, each under the part
of the definition it is in (``schema``, ``layout``, ``attachments``). JSON Schema's own
check of the schema is ``metaschema.py``'s, the layout's against the schema
``layout.py``'s.

``validate_data`` lives in ``validation.py`` and is re-exported here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from jsonschema import Draft202012Validator
from jsonschema.validators import validator_for

from onewindow.core.errors import InvalidInput
from onewindow.core.keys import KEY_RULE, is_valid_key
from onewindow.core.text_input import control_characters_in, dotted
from onewindow.forms import keywords, metaschema, patterns, spec
from onewindow.forms.filetypes import FILE_TYPES, GLOBAL_MAX_MB
from onewindow.forms.layout import check_layout
from onewindow.forms.validation import coerce_data, validate_data

__all__ = ["check_definition", "coerce_data", "validate_data"]

# Keywords that load or name other documents; refused wherever they appear.
REFERENCE_KEYWORDS = frozenset(
    {"$ref", "$dynamicRef", "$recursiveRef", "$id", "$anchor", "$dynamicAnchor", "$vocabulary"}
)
_NAME = re.compile(spec.NAME_PATTERN)


def check_definition(
    *,
    schema: Any,
    layout: Any,
    attachments: Any,
    key: str | None = None,
    title: str | None = None,
    title_en: str | None = None,
) -> None:
    """Raise ``InvalidInput`` listing every problem of the definition, or return.

    ``key`` and the titles are checked when given (``services.create_definition`` does).
    No text of it may hold a control character (``core.text_input``): an uploaded file
    passes no form field or API body that would refuse one.
    """
    errors: dict[str, list[Any]] = {}
    if key is not None and not is_valid_key(key):
        errors["key"] = [KEY_RULE]
    if title is not None and not title.strip():
        errors["title"] = [_("Enter a title.")]
    parts: dict[str, Any] = {"title": title, "title_en": title_en}
    parts |= {"schema": schema, "layout": layout, "attachments": attachments}
    for path, problem in control_characters_in({k: v for k, v in parts.items() if v is not None}):
        part, *inside = path
        where = f"{dotted(tuple(inside))}: " if inside else ""
        errors.setdefault(str(part), []).append(f"{where}{problem}")
    schema_errors = _check_schema(schema)
    if schema_errors:
        errors["schema"] = schema_errors
    properties = schema.get("properties") if isinstance(schema, dict) else None
    if isinstance(properties, dict) and properties:
        # Checked beside a faulty schema too, against the properties it names, so that
        # both are corrected in one round; the hints of a faulty property wait for it.
        sound = {name for name, prop in properties.items() if not _check_property(name, prop)}
        layout_errors = check_layout(properties, layout, sound=sound)
        if layout_errors:
            errors["layout"] = layout_errors
    slot_errors = _check_attachments(attachments)
    if slot_errors:
        errors["attachments"] = slot_errors
    if errors:
        raise InvalidInput(
            gettext_lazy("This form definition has problems."),
            code="invalid_definition",
            # Each once: the layout's checks name a field the schema lacks under its
            # section and again under its hints, and a field placed three times twice.
            fields={part: list(dict.fromkeys(messages)) for part, messages in errors.items()},
        )


def _references(node: Any, found: list[str]) -> list[str]:
    if isinstance(node, dict):
        for name, value in node.items():
            if name in REFERENCE_KEYWORDS:
                found.append(f"{name}: {value}" if isinstance(value, str) else name)
            _references(value, found)
    elif isinstance(node, list):
        for value in node:
            _references(value, found)
    return found


def _check_schema(schema: Any) -> list[str]:
    if not isinstance(schema, dict):
        return [_("The schema must be a JSON object.")]
    problems: list[str] = []
    for reference in _references(schema, []):
        value = reference.partition(": ")[2]
        if value and not value.startswith("#"):
            problems.append(_("Remote references are not allowed: %(ref)s") % {"ref": reference})
        else:
            problems.append(_("References are not supported: %(ref)s") % {"ref": reference})
    if problems:
        return problems
    declared = str(schema.get("$schema", spec.DRAFT_2020_12)).rstrip("#")
    found: list[metaschema.Found] = []
    if (
        declared != spec.DRAFT_2020_12
        or validator_for(schema, default=Draft202012Validator) is not Draft202012Validator
    ):
        problems.append(_("The schema must use JSON Schema draft 2020-12."))
    else:
        found = metaschema.problems(schema)
    own = _check_subset(schema)
    judged = _judged(schema)
    kept = [problem.message for problem in found if not judged(problem.path)]
    if found and not kept and not own:  # never: the checks below judge no less strictly
        kept = [problem.message for problem in found]
    return problems + kept + own


def _check_subset(schema: dict[str, Any]) -> list[str]:
    """What the schema has outside the subset ``spec`` describes."""
    problems: list[str] = []
    for keyword in sorted(set(schema) - spec.TOP_KEYWORDS):
        problems.append(_("The keyword %(keyword)s is not supported.") % {"keyword": keyword})
    if schema.get("additionalProperties", False) is not False:
        problems.append(_("additionalProperties may only be false."))
    if not _has_properties(schema):
        problems.append(_("The schema must be an object with at least one property."))
        return problems
    properties = schema["properties"]
    for name, prop in properties.items():
        problems.extend(_check_property(name, prop))
    required = schema.get("required", [])
    if not isinstance(required, list):
        required = []  # the metaschema says so
    for name in required:
        if isinstance(name, str) and name not in properties:
            problems.append(
                _("The required list names a property that does not exist: %(name)s")
                % {"name": name}
            )
    problems.extend(_check_conditions(schema, properties))
    problems.extend(keywords.check_id_matches(properties))
    return problems


def _has_properties(schema: dict[str, Any]) -> bool:
    properties = schema.get("properties")
    return schema.get("type") == "object" and isinstance(properties, dict) and bool(properties)


def _judged(schema: dict[str, Any]) -> Callable[[tuple[Any, ...]], bool]:
    """Whether ``_check_subset`` says what is wrong at a path of the schema, so that the
    metaschema's message there would say it a second time. There the subset is
    stricter than JSON Schema (a type outside ``spec.KEYWORDS_BY_TYPE``, an enum, a
    keyword it does not support), so it judges whatever the metaschema refuses."""
    properties_checked = _has_properties(schema)
    conditions_refused = properties_checked and not _conditions_have_their_shape(schema)

    def judged(path: tuple[Any, ...]) -> bool:
        if not path:
            return False
        head = path[0]
        if head in ("if", "then", "allOf"):
            return conditions_refused
        if head != "properties":
            return head in ("type", "additionalProperties") or head not in spec.TOP_KEYWORDS
        if len(path) == 1:
            return True
        name = str(path[1])
        if not properties_checked or not _NAME.match(name) or name in spec.RESERVED_NAMES:
            return False  # its checks did not run, or stopped at its name
        return len(path) == 2 or path[2] in _judged_keywords(schema["properties"][name])

    return judged


def _judged_keywords(prop: Any) -> set[str]:
    """The keywords of a property whose every fault ``_check_property`` reports."""
    if not isinstance(prop, dict) or prop.get("type") not in spec.KEYWORDS_BY_TYPE:
        return {"type"}  # it stops there
    unsupported = set(prop) - spec.COMMON_KEYWORDS - spec.KEYWORDS_BY_TYPE[prop["type"]]
    return {"type", "format", "enum", "items", "x-shared"} | unsupported


def _check_conditions(schema: dict[str, Any], properties: dict[str, Any]) -> list[str]:
    """Conditions in the one shape ``spec.Condition`` describes, on questions the form
    has: the validator would run any JSON Schema here, but the renderer and the error
    messages only know this one."""
    shape = _(
        'A condition must be {"if": {"properties": {"<field>": {"const": <answer>}}, '
        '"required": ["<field>"]}, "then": {"required": ["<field>", ...]}}, at the top '
        "of the schema or as an item of allOf."
    )
    if "then" in schema and "if" not in schema:
        return [shape]
    if "allOf" in schema and (not isinstance(schema["allOf"], list) or not schema["allOf"]):
        return [shape]
    problems: list[str] = []
    for rule in spec.condition_rules(schema):
        if not _is_condition(rule):
            problems.append(shape)
            continue
        [(name, test)] = rule["if"]["properties"].items()
        prop = properties.get(name)
        if prop is None:
            problems.append(
                _("A condition asks about a property that does not exist: %(name)s")
                % {"name": name}
            )
        elif "enum" in prop and test["const"] not in prop["enum"]:
            problems.append(
                _("A condition on %(name)s names an answer it does not offer: %(answer)s")
                % {"name": name, "answer": json.dumps(test["const"], ensure_ascii=False)}
            )
        for required in rule["then"]["required"]:
            if required not in properties:
                problems.append(
                    _("A condition requires a property that does not exist: %(name)s")
                    % {"name": required}
                )
    return problems


def _conditions_have_their_shape(schema: dict[str, Any]) -> bool:
    """Whether ``_check_conditions`` finds every condition in its one shape."""
    if "then" in schema and "if" not in schema:
        return False
    if "allOf" in schema and (not isinstance(schema["allOf"], list) or not schema["allOf"]):
        return False
    return all(_is_condition(rule) for rule in spec.condition_rules(schema))


def _is_condition(rule: Any) -> bool:
    if not isinstance(rule, dict) or set(rule) != {"if", "then"}:
        return False
    test, then = rule["if"], rule["then"]
    if not isinstance(test, dict) or set(test) != {"properties", "required"}:
        return False
    tested = test["properties"]
    if not isinstance(tested, dict) or len(tested) != 1:
        return False
    [(name, value)] = tested.items()
    if not isinstance(value, dict) or set(value) != {"const"} or test["required"] != [name]:
        return False
    if not isinstance(then, dict) or set(then) != {"required"}:
        return False
    required = then["required"]
    return (
        isinstance(required, list) and bool(required) and all(isinstance(n, str) for n in required)
    )


def _check_property(name: str, prop: Any) -> list[str]:
    if not _NAME.match(name):
        return [
            _(
                "Property names use lower-case letters, digits and single underscores, "
                "starting with a letter: %(name)s"
            )
            % {"name": name}
        ]
    if name in spec.RESERVED_NAMES:
        return [
            _(
                "%(name)s is a name process expressions use for something else (a function, "
                "or the officers' outcome): give the question another name."
            )
            % {"name": name}
        ]
    if not isinstance(prop, dict) or prop.get("type") not in spec.KEYWORDS_BY_TYPE:
        types = pgettext("list separator", ", ").join(spec.KEYWORDS_BY_TYPE)
        if not isinstance(prop, dict) or "type" not in prop:
            return [
                _("%(name)s: the type must be one of %(types)s.") % {"name": name, "types": types}
            ]
        return [
            _("Property “%(name)s”: its type %(type)s is not one of %(types)s.")
            % {"name": name, "type": metaschema.shown(prop["type"]), "types": types}
        ]
    problems: list[str] = []
    kind = prop["type"]
    for keyword in sorted(set(prop) - spec.COMMON_KEYWORDS - spec.KEYWORDS_BY_TYPE[kind]):
        problems.append(
            _("%(name)s: the keyword %(keyword)s is not supported for %(type)s.")
            % {"name": name, "keyword": keyword, "type": kind}
        )
    if not str(prop.get("title") or "").strip():
        problems.append(_("%(name)s: a title (the Chinese label) is required.") % {"name": name})
    if "format" in prop and prop["format"] not in spec.FORMATS:
        formats = ", ".join(sorted(spec.FORMATS))
        problems.append(
            _("%(name)s: the format must be one of %(formats)s.")
            % {"name": name, "formats": formats}
        )
    problems.extend(keywords.check_date_bounds(name, prop))
    if "pattern" in prop:
        problems.extend(_check_pattern(name, str(prop["pattern"])))
    if "x-shared" in prop and not isinstance(prop["x-shared"], bool):
        problems.append(_("%(name)s: x-shared must be true or false.") % {"name": name})
    problems.extend(keywords.check_prefill(name, prop))
    problems.extend(keywords.check_holder_sex(name, prop))
    enum_owner = prop
    if kind == "array":
        items = prop.get("items")
        if (
            not isinstance(items, dict)
            or set(items) - spec.ITEM_KEYWORDS
            or items.get("type") not in ("string", "integer")
            or "enum" not in items
        ):
            problems.append(
                _("%(name)s: a list must have items of one type with an enum of choices.")
                % {"name": name}
            )
            return problems
        enum_owner = items
    if "enum" in enum_owner and not _enum_is_valid(enum_owner):
        problems.append(
            _("%(name)s: enum must be a non-empty list of distinct values of the property's type.")
            % {"name": name}
        )
    return problems


def _check_pattern(name: str, pattern: str) -> list[str]:
    try:
        re.compile(pattern)
    except re.error:
        return [_("%(name)s: the pattern is not a valid regular expression.") % {"name": name}]
    if not patterns.is_matchable(pattern):
        # Answers are matched by RE2, in linear time (``patterns``).
        return [
            _(
                "%(name)s: the pattern uses something answers cannot be checked against "
                "safely, such as a back-reference, a look-ahead or a look-behind."
            )
            % {"name": name}
        ]
    return []


def _enum_is_valid(prop: dict[str, Any]) -> bool:
    values = prop["enum"]
    python_type = {"string": str, "integer": int}.get(prop["type"])
    return (
        isinstance(values, list)
        and bool(values)
        and python_type is not None
        and all(type(value) is python_type for value in values)
        and len(set(values)) == len(values)
    )


def _check_attachments(attachments: Any) -> list[str]:
    if not isinstance(attachments, list) or not all(isinstance(s, dict) for s in attachments):
        return [_("Attachment slots must be a list of objects.")]
    problems: list[str] = []
    seen: set[str] = set()
    known = ", ".join(FILE_TYPES)
    for number, slot in enumerate(attachments, start=1):
        key = str(slot.get("key") or "").strip()
        if not key:
            # Named by its place: a key quoted in the message below would be empty. Its
            # other settings wait for its key, as a malformed one's do.
            problems.append(
                _(
                    "Attachment %(number)d has no key: give it one of lower-case letters, "
                    "digits and single underscores."
                )
                % {"number": number}
            )
            continue
        if not _NAME.match(key):
            problems.append(
                _("Attachment keys use lower-case letters, digits and single underscores: %(key)s")
                % {"key": key}
            )
            continue
        if key in seen:
            problems.append(_("The attachment key %(key)s is used twice.") % {"key": key})
        seen.add(key)
        for setting in sorted(set(slot) - spec.SLOT_KEYS):
            problems.append(
                _("Attachment %(key)s: unknown setting %(setting)s.")
                % {"key": key, "setting": setting}
            )
        if not str(slot.get("label") or "").strip():
            problems.append(_("Attachment %(key)s: a label is required.") % {"key": key})
        types = slot.get("types")
        if not isinstance(types, list) or not types or set(map(str, types)) - set(FILE_TYPES):
            problems.append(
                _("Attachment %(key)s: types must be chosen from %(types)s.")
                % {"key": key, "types": known}
            )
        max_mb = slot.get("max_mb")
        if (
            isinstance(max_mb, bool)
            or not isinstance(max_mb, int | float)
            or not 0 < max_mb <= GLOBAL_MAX_MB
        ):
            problems.append(
                _("Attachment %(key)s: max_mb must be more than 0 and at most %(max)s.")
                % {"key": key, "max": GLOBAL_MAX_MB}
            )
        for flag in ("required", "shared"):
            if flag in slot and not isinstance(slot[flag], bool):
                problems.append(
                    _("Attachment %(key)s: %(setting)s must be true or false.")
                    % {"key": key, "setting": flag}
                )
    return problems
