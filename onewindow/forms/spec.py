"""What a form definition may contain, and small helpers every forms module shares.

A definition is three JSON documents: ``schema`` (JSON Schema draft 2020-12, a flat
object of questions), ``layout`` (sections in order, plus per-field hints) and
``attachments`` (one upload slot per required material). Only the subset below is
supported, so that every definition can be rendered accessibly and validated on the
server without fetching or executing anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from django.utils import timezone
from django.utils.translation import gettext

from onewindow.core.language import is_english

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"

TOP_KEYWORDS = frozenset(
    {"$schema", "$comment", "type", "title", "description", "properties", "required"}
    | {"additionalProperties"}
    # Conditional questions, in one narrow shape only (``Condition``).
    | {"if", "then", "allOf"}
)
COMMON_KEYWORDS = frozenset(
    {"type", "title", "description", "$comment", "x-shared", "x-prefill", "isApplicants"}
)
KEYWORDS_BY_TYPE: dict[str, frozenset[str]] = {
    "string": frozenset({"minLength", "maxLength", "pattern", "format", "enum"})
    | {"notBefore", "notAfter", "matchesIdNumber", "holderSex"},
    "integer": frozenset({"minimum", "maximum", "enum"}),
    "number": frozenset({"minimum", "maximum"}),
    "boolean": frozenset(),
    "array": frozenset({"items", "minItems", "maxItems", "uniqueItems"}),
}
ITEM_KEYWORDS = frozenset({"type", "enum"})
# ``cn-bank-account``: a bank account number, typed grouped or in full-width digits and
# kept as its 12 to 19 digits (``bank_accounts``).
FORMATS = frozenset({"date", "email", "cn-id", "cn-uscc", "cn-bank-account"})
# Bounds of a ``"format": "date"`` answer, ours (JSON Schema has none for dates; its
# validators ignore keywords they do not know): ``"today"`` or an ISO date, inclusive.
# A birth date is ``"notAfter": "today"``.
DATE_BOUNDS = ("notBefore", "notAfter")
# On a birth date or a sex answer: the name of the identity number (``"format": "cn-id"``)
# whose birth date or sex it must be (ADR 0023).
ID_MATCH = "matchesIdNumber"
# On an answer the account fills (``x-prefill``): it must be the applicant's own, as the
# account holds it (a passport is applied for by its holder only). Validated at filing,
# which knows the applicant (ADR 0023).
APPLICANTS_OWN = "isApplicants"
# On an identity number (``"format": "cn-id"``): the sex its holder must be, ``male`` or
# ``female`` (a mother's number is a woman's). The number holds it (ADR 0023).
HOLDER_SEX = "holderSex"
SEXES = frozenset({"male", "female"})  # the enum a sex answer matched to a number has
TODAY = "today"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

WIDGETS_BY_TYPE: dict[str, frozenset[str]] = {
    "string": frozenset({"text", "textarea", "select", "radio", "date", "email", "tel"})
    | {"id_number"},
    "integer": frozenset({"number", "select", "radio"}),
    "number": frozenset({"number"}),
    "boolean": frozenset({"checkbox", "radio", "select"}),
    "array": frozenset({"checkbox", "select"}),
}
# Widgets that offer a list of choices, so the string or integer needs an enum.
CHOICE_WIDGETS = frozenset({"select", "radio"})
HINT_KEYS = frozenset(
    {"widget", "label_en", "help", "help_en", "enumNames", "enumNames_en", "autocomplete"}
    | {"pattern_error", "pattern_error_en"}
)
SECTION_KEYS = frozenset({"title", "title_en", "fields"})
SLOT_KEYS = frozenset(
    {"key", "label", "label_en", "help", "help_en", "required", "types", "max_mb", "shared"}
)
# Property and slot names: lower case, digits, single underscores. A double underscore
# is reserved for namespacing in merged life-event forms (``<key>__<field>``).
NAME_PATTERN = r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$"
# The names a case's process expressions read as something else: the sandbox's functions
# and values (``workflow.sandbox.SAFE_BUILTINS``) and what the engine sets (the
# officers' ``outcome``, ``workflow.data_names.ENGINE_NAMES``). A question of one of
# these names hid the function from every expression (``date.today()`` failed on a
# "date" answer), or was overwritten at the first decision (security QA). A workflow
# test keeps this list in step with theirs; forms import nothing of the workflow.
RESERVED_NAMES = frozenset(
    {
        "abs", "all", "any", "bool", "date", "datetime", "dict", "dmninputexpr",
        "enumerate", "false", "float", "int", "len", "list", "max", "min", "outcome",
        "outcomes", "range", "round", "set", "sorted", "str", "sum", "timedelta", "true",
        "tuple", "zip",
    }
)  # fmt: skip


class DefinitionLike(Protocol):
    """A stored ``FormDefinition`` or a ``merge.MergedForm``."""

    @property
    def schema(self) -> Any: ...

    @property
    def layout(self) -> Any: ...

    @property
    def attachments(self) -> Any: ...


@dataclass(frozen=True)
class Condition:
    """Questions required only when another has one answer. In the schema, standard
    JSON Schema that the validator runs as it is::

        "if": {"properties": {"<field>": {"const": <answer>}}, "required": ["<field>"]},
        "then": {"required": ["<name>", ...]}

    at the top of the schema, or several such pairs as the items of a top-level
    ``allOf``. No other shape is accepted (``schema.check_definition``)."""

    field: str
    answer: Any
    required: tuple[str, ...]


def condition_rules(schema: dict[str, Any]) -> list[Any]:
    """The schema's ``if``/``then`` pairs as written, unchecked: the top-level one, then
    the items of ``allOf``."""
    top = [{k: schema[k] for k in ("if", "then") if k in schema}] if "if" in schema else []
    listed = schema.get("allOf")
    return top + (list(listed) if isinstance(listed, list) else [])


def conditions(schema: dict[str, Any]) -> list[Condition]:
    """The conditions of a checked schema, in order."""
    found = []
    for pair in condition_rules(schema):
        [(name, test)] = pair["if"]["properties"].items()
        found.append(Condition(name, test["const"], tuple(pair["then"]["required"])))
    return found


def condition_rule(condition: Condition) -> dict[str, Any]:
    """``condition`` as the JSON Schema pair (an item of ``allOf``)."""
    return {
        "if": {
            "properties": {condition.field: {"const": condition.answer}},
            "required": [condition.field],
        },
        "then": {"required": list(condition.required)},
    }


def answer_label(definition: DefinitionLike, name: str, answer: Any) -> str:
    """How the form shows ``answer`` to question ``name``: its option's label."""
    prop = definition.schema["properties"].get(name, {})
    if answer is True or answer is False:
        return gettext("Yes") if answer else gettext("No")
    values = prop.get("enum") or []
    hints = field_hints(definition, name)
    names = (is_english() and hints.get("enumNames_en")) or hints.get("enumNames") or []
    if answer in values and len(names) == len(values):
        return str(names[values.index(answer)])
    return str(answer)


def iso_date(value: Any) -> date | None:
    """``value`` as a date if it is a real one written YYYY-MM-DD, else None."""
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def sex_in_id_number(compact: str) -> str:
    """``male`` or ``female``, as a valid resident identity number (compact) says."""
    # GB 11643: the 17th character, the sequence's last digit, is odd for men.
    return "male" if int(compact[16]) % 2 else "female"


def date_bound(value: Any) -> date | None:
    """A ``notBefore``/``notAfter`` value as a date, or None if it is neither
    ``"today"`` (in the city's time zone, read at each call) nor an ISO date."""
    return timezone.localdate() if value == TODAY else iso_date(value)


def localized(mapping: dict[str, Any], field: str, language: str | None = None) -> str:
    """``mapping[field + "_en"]`` in English when it is filled, else ``mapping[field]``."""
    if is_english(language):
        english = mapping.get(f"{field}_en")
        if english:
            return str(english)
    return str(mapping.get(field) or "")


def field_hints(definition: DefinitionLike, name: str) -> dict[str, Any]:
    hints = (definition.layout or {}).get("fields") or {}
    return dict(hints.get(name) or {})


def default_widget(prop: dict[str, Any]) -> str:
    kind = prop.get("type")
    if kind == "array" or kind == "boolean":
        return "checkbox"
    if kind in ("integer", "number"):
        return "select" if "enum" in prop else "number"
    if "enum" in prop:
        return "select" if len(prop["enum"]) > 5 else "radio"
    return {"date": "date", "email": "email", "cn-id": "id_number", "cn-uscc": "id_number"}.get(
        str(prop.get("format", "")), "text"
    )


def widget_for(prop: dict[str, Any], hints: dict[str, Any]) -> str:
    return str(hints.get("widget") or default_widget(prop))


def layout_order(definition: DefinitionLike) -> list[str]:
    """Field names in the order the layout asks them."""
    return [
        name
        for section in (definition.layout or {}).get("sections") or []
        for name in section.get("fields") or []
    ]


def field_label(definition: DefinitionLike, name: str, language: str | None = None) -> str:
    prop = definition.schema["properties"].get(name, {})
    hints = field_hints(definition, name)
    if is_english(language) and hints.get("label_en"):
        return str(hints["label_en"])
    return str(prop.get("title") or name)
