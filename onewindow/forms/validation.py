"""Turning answers into typed data and checking them against a definition's schema.

Browsers send every answer as a string, so ``coerce_data`` first turns strings into the
schema's types (numbers, booleans, lists from multi-selects), strips them and drops empty
answers, so that "required" is the error for a blank field; a phone answer (the ``tel``
widget) is made its digits (``phones``), as is a bank account number (``bank_accounts``).
``validate_data`` then runs JSON Schema draft 2020-12, with our date bounds
(``spec.DATE_BOUNDS``) and ``holderSex`` added as keywords, and turns each error into one
message per field, by the kind of check that failed, in the active (or given) language.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import re2
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError as SchemaValidationError
from jsonschema.protocols import Validator
from jsonschema.validators import extend
from stdnum.cn import ric

from onewindow.core.errors import InvalidInput
from onewindow.forms import bank_accounts, patterns, phones, spec
from onewindow.identity.validators import clean_resident_id, clean_uscc

logger = logging.getLogger("onewindow.forms")

_INTEGER = re.compile(r"^[+-]?\d+$")
_TRUE = frozenset({"true", "on", "1", "yes"})
_FALSE = frozenset({"false", "off", "0", "no"})
# Drafts keep what was typed, within reason.
DRAFT_TEXT_LIMIT = 10_000
_MISSING = object()

FORMAT_CHECKER = FormatChecker(formats=())


@FORMAT_CHECKER.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    return not isinstance(value, str) or spec.iso_date(value) is not None


@FORMAT_CHECKER.checks("email", raises=ValidationError)
def _is_email(value: object) -> bool:
    if isinstance(value, str):
        validate_email(value)
    return True


@FORMAT_CHECKER.checks("cn-id", raises=ValidationError)
def _is_resident_id(value: object) -> bool:
    if isinstance(value, str):
        clean_resident_id(value)
    return True


@FORMAT_CHECKER.checks("cn-uscc", raises=ValidationError)
def _is_uscc(value: object) -> bool:
    if isinstance(value, str):
        clean_uscc(value)
    return True


@FORMAT_CHECKER.checks("cn-bank-account", raises=ValidationError)
def _is_bank_account(value: object) -> bool:
    if isinstance(value, str):
        bank_accounts.clean_bank_account(value)
    return True


def _not_before(
    validator: Validator, bound: Any, instance: Any, schema: dict[str, Any]
) -> Iterator[SchemaValidationError]:
    answer, limit = spec.iso_date(instance), spec.date_bound(bound)
    if answer and limit and answer < limit:
        yield SchemaValidationError(f"{instance} is earlier than {limit}")


def _not_after(
    validator: Validator, bound: Any, instance: Any, schema: dict[str, Any]
) -> Iterator[SchemaValidationError]:
    answer, limit = spec.iso_date(instance), spec.date_bound(bound)
    if answer and limit and answer > limit:
        yield SchemaValidationError(f"{instance} is later than {limit}")


def _pattern(
    validator: Validator, pattern: Any, instance: Any, schema: dict[str, Any]
) -> Iterator[SchemaValidationError]:
    """JSON Schema's ``pattern``, matched by RE2 in linear time (``patterns``)."""
    if not validator.is_type(instance, "string"):
        return
    try:
        matched = patterns.search(str(pattern), instance)
    except re2.error:
        # Stored before forms' checks required RE2's syntax; its next version is refused
        # until mended. Not matched by Python's backtracking engine meanwhile.
        logger.error("form pattern %r cannot be matched by RE2; not checked", pattern)
        return
    if not matched:
        yield SchemaValidationError(f"{instance!r} does not match {pattern!r}")


def _holder_sex(
    validator: Validator, sex: Any, instance: Any, schema: dict[str, Any]
) -> Iterator[SchemaValidationError]:
    """An identity number whose holder is not of the sex ``holderSex`` names (a man's
    as the mother's). A number that is not valid is its format's to refuse: its own
    message says what to correct first."""
    if not isinstance(instance, str) or not isinstance(sex, str) or sex not in spec.SEXES:
        return  # a value ``check_definition`` refuses: no number would be right
    try:
        compact = clean_resident_id(instance)
    except ValidationError:
        return
    if spec.sex_in_id_number(compact) != sex:
        # Not the number itself: the message may reach a log.
        yield SchemaValidationError(f"the identity number's holder is not {sex}")


# Draft 2020-12 knowing our date bounds (``check_definition`` admits them on dates only)
# and the sex of an identity number's holder, its patterns matched in linear time.
FormValidator = extend(
    Draft202012Validator,
    {
        "notBefore": _not_before,
        "notAfter": _not_after,
        spec.HOLDER_SEX: _holder_sex,
        "pattern": _pattern,
    },
)


def validate_data(
    definition: spec.DefinitionLike, data: Mapping[str, Any], language: str | None = None
) -> dict[str, Any]:
    """The cleaned answers, or ``InvalidInput`` whose ``fields`` map each field name to
    its message, in ``language`` or else the active language."""
    if language:
        with translation.override(language):
            return _validate(definition, data)
    return _validate(definition, data)


@dataclass(frozen=True)
class CheckedAnswers:
    """What a submission of ``answers`` would meet: ``errors`` by field, or the
    ``cleaned`` answers a case would hold (``None`` while there are errors)."""

    answers: dict[str, Any]  # as typed, in the schema's types (to show them again)
    errors: dict[str, list[Any]] = field(default_factory=dict)
    cleaned: dict[str, Any] | None = None


def check_answers(definition: spec.DefinitionLike, data: Mapping[str, Any]) -> CheckedAnswers:
    """Check answers as a submission would, without refusing: for a form's preview,
    where an admin tries its checks and nothing is stored."""
    answers = coerce_data(definition, data)
    try:
        cleaned = validate_data(definition, data)
    except InvalidInput as refused:
        return CheckedAnswers(answers, errors=refused.fields)
    return CheckedAnswers(answers, cleaned=cleaned)


def _validate(definition: spec.DefinitionLike, data: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = coerce_data(definition, data)
    validator = FormValidator(definition.schema, format_checker=FORMAT_CHECKER)
    errors: dict[str, list[Any]] = {}
    for error in sorted(validator.iter_errors(cleaned), key=_pattern_after_format):
        for name, message in _messages(definition, error):
            # One message per field, the first check that failed: the clearest to act on.
            errors.setdefault(name, [message])
    for name, message in _not_of_the_id_number(definition.schema, cleaned):
        errors.setdefault(name, [message])
    for name in _with_hidden_characters(cleaned):
        errors.setdefault(name, [HIDDEN_CHARACTERS])
    if errors:
        order = spec.layout_order(definition)
        ordered = {name: errors[name] for name in order if name in errors}
        ordered.update({name: msgs for name, msgs in errors.items() if name not in ordered})
        raise InvalidInput(
            gettext_lazy("Some answers need correcting."), code="invalid_answers", fields=ordered
        )
    return _normalized(definition, cleaned)


def _pattern_after_format(error: SchemaValidationError) -> bool:
    """Sorts a pattern's error after the others of an answer that also has a format: the
    format's message says what is wrong with this answer ("this one has 11 digits"), the
    pattern (kept for validators that do not know our formats) only what is expected."""
    return error.validator == "pattern" and "format" in error.schema


def _not_of_the_id_number(
    schema: Mapping[str, Any], cleaned: Mapping[str, Any]
) -> Iterator[tuple[str, str]]:
    """Birth dates and sexes that are not those of the identity number they are matched
    to (``matchesIdNumber``): judged when both are given and valid, since otherwise
    their own errors say what to correct first."""
    for name, prop in schema["properties"].items():
        source = prop.get(spec.ID_MATCH)
        answer = cleaned.get(name)
        number = cleaned.get(source) if source else None
        if answer is None or not isinstance(number, str):
            continue
        try:
            compact = clean_resident_id(number)
        except ValidationError:
            continue
        if prop.get("format") == "date":
            given = spec.iso_date(answer) if isinstance(answer, str) else None
            if given is not None and given != ric.get_birth_date(compact):
                yield name, _("This is not the birth date in the identity number given.")
        elif answer in spec.SEXES and answer != spec.sex_in_id_number(compact):
            yield name, _("This is not the sex the identity number given shows.")


HIDDEN_CHARACTERS = gettext_lazy(
    "This answer contains invisible control characters; type it again without them."
)
# Control characters but tab and line breaks (PostgreSQL refuses NUL in text at all),
# and the bidirectional overrides that make a name read otherwise than it is stored.
_HIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def _with_hidden_characters(cleaned: Mapping[str, Any]) -> list[str]:
    """The answers (texts, or lists of them) holding a character nobody can see."""

    def hides(value: Any) -> bool:
        if isinstance(value, str):
            return bool(_HIDDEN.search(value))
        return isinstance(value, list) and any(hides(each) for each in value)

    return [name for name, value in cleaned.items() if hides(value)]


def _normalized(definition: spec.DefinitionLike, cleaned: dict[str, Any]) -> dict[str, Any]:
    """Identity numbers, credit codes and bank accounts in their compact form (no
    spaces, upper-case X)."""
    for name, prop in definition.schema["properties"].items():
        value = cleaned.get(name)
        if isinstance(value, str) and prop.get("format") == "cn-id":
            cleaned[name] = clean_resident_id(value)
        elif isinstance(value, str) and prop.get("format") == "cn-uscc":
            cleaned[name] = clean_uscc(value)
        elif isinstance(value, str) and prop.get("format") == "cn-bank-account":
            cleaned[name] = bank_accounts.clean_bank_account(value)
    return cleaned


# --- coercion ---------------------------------------------------------------------


def coerce_data(definition: spec.DefinitionLike, data: Mapping[str, Any]) -> dict[str, Any]:
    """Known fields only, typed; blank answers left out; unticked optional boxes False."""
    properties: dict[str, Any] = definition.schema.get("properties", {})
    required = set(definition.schema.get("required", []))
    # A box a condition may require is left out unticked too, for "required" to catch.
    required.update(n for c in spec.conditions(definition.schema) for n in c.required)
    out: dict[str, Any] = {}
    for name, prop in properties.items():
        kind = prop.get("type")
        if kind == "array":
            item_kind = (prop.get("items") or {}).get("type", "string")
            values: list[Any] = []
            for raw in _as_list(data, name):
                value = _coerce_scalar(raw, item_kind)
                if value is not _MISSING and value not in values:
                    values.append(value)
            if values:
                out[name] = values
            continue
        value = _coerce_scalar(_get(data, name), kind)
        widget = spec.widget_for(prop, spec.field_hints(definition, name))
        if kind == "boolean" and widget == "checkbox":
            # An unticked box sends nothing. A required box must be ticked, so leave it
            # out and let "required" say so; an optional one means no.
            if value is True:
                out[name] = True
            elif name not in required:
                out[name] = False
            continue
        if isinstance(value, str) and widget == "tel":
            # A phone number typed grouped, with +86 or in full-width digits is the
            # same number: its pattern judges, and the case keeps, the digits alone.
            value = phones.normalized(value)
        elif isinstance(value, str) and prop.get("format") == "cn-bank-account":
            # Likewise an account number typed in groups, as cards print it: a pattern
            # on it judges the digits alone.
            value = bank_accounts.normalized(value)
        if value is not _MISSING:
            out[name] = value
    return out


def _get(data: Mapping[str, Any], name: str) -> Any:
    return data.get(name)


def _as_list(data: Mapping[str, Any], name: str) -> list[Any]:
    getlist = getattr(data, "getlist", None)
    if getlist is not None:
        return list(getlist(name))
    value = data.get(name)
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


# The numbers a case keeps: finite, and whole numbers within JavaScript's safe integers
# (what every JSON reader takes exactly). An answer beyond them stays what was sent,
# which the schema refuses as not a number (security QA: 5,000 digits were a 500 in
# ``int()``, and "1e309" became infinity, which PostgreSQL's jsonb does not store).
MAX_SAFE_INTEGER = 2**53 - 1
OUT_OF_RANGE = "out of range"


def _coerce_scalar(value: Any, kind: str | None) -> Any:
    if value is None:
        return _MISSING
    if not isinstance(value, str):
        # Already typed (a draft or an API call); the schema judges it, in range.
        return value if _in_range(value) else OUT_OF_RANGE
    value = value.strip().replace("\r\n", "\n")
    if not value:
        return _MISSING
    if kind == "integer" and _INTEGER.match(value):
        return _to_number(value)
    if kind == "number":
        return _to_number(value)
    if kind == "boolean":
        lowered = value.lower()
        return True if lowered in _TRUE else False if lowered in _FALSE else value
    return value


def _to_number(value: str) -> Any:
    try:
        number = Decimal(value)
    except InvalidOperation:
        return value
    if not number.is_finite() or abs(number) > MAX_SAFE_INTEGER:
        return value
    return int(number) if _INTEGER.match(value) else float(number)


def _in_range(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return True
    if isinstance(value, float) and not math.isfinite(value):
        return False
    return abs(value) <= MAX_SAFE_INTEGER


def draft_values(definition: spec.DefinitionLike, data: Mapping[str, Any]) -> dict[str, Any]:
    """What a draft keeps: answers to known fields as typed, unvalidated, size-capped."""
    out: dict[str, Any] = {}
    for name, prop in definition.schema.get("properties", {}).items():
        if prop.get("type") == "array":
            values = [_draft_scalar(v) for v in _as_list(data, name)]
            kept = [v for v in values if v not in (None, "")]
            if kept:
                out[name] = kept
        elif name in data:
            value = _draft_scalar(_get(data, name))
            if value not in (None, ""):
                out[name] = value
    return out


def _draft_scalar(value: Any) -> Any:
    if isinstance(value, bool | int | float) or value is None:
        return value
    return str(value)[:DRAFT_TEXT_LIMIT]


# --- messages ---------------------------------------------------------------------


def _messages(
    definition: spec.DefinitionLike, error: SchemaValidationError
) -> list[tuple[str, str]]:
    if error.validator == "required":
        missing = [name for name in error.validator_value if name not in error.instance]
        if "then" in error.absolute_schema_path:
            # A condition's: say which answer made the question required.
            return [(name, _conditional_message(definition, error)) for name in missing]
        return [(name, _required_message(definition, name)) for name in missing]
    path = list(error.absolute_path)
    name = str(path[0]) if path else "__all__"
    prop = definition.schema["properties"].get(name, {})
    return [(name, _message(definition, name, prop, error))]


def _conditional_message(definition: spec.DefinitionLike, error: SchemaValidationError) -> str:
    """For a question a condition requires: the answer that requires it. The error's
    schema path leads to the condition (``then`` or ``allOf/<n>/then``)."""
    path = list(error.absolute_schema_path)
    rule: Any = definition.schema
    for step in path[: path.index("then")]:
        rule = rule[step]
    [(name, test)] = rule["if"]["properties"].items()
    answer = spec.answer_label(definition, name, test["const"])
    return _("This field is required because you chose “%(answer)s”.") % {"answer": answer}


def _required_message(definition: spec.DefinitionLike, name: str) -> str:
    prop = definition.schema["properties"].get(name, {})
    widget = spec.widget_for(prop, spec.field_hints(definition, name))
    if prop.get("type") == "boolean" and widget == "checkbox":
        return _("Tick this box to continue.")
    if prop.get("type") == "array":
        return _("Choose at least one option.")
    if widget in ("select", "radio"):
        return _("Choose an option.")
    return _("This field is required.")


def _number(limit: Any) -> str:
    if isinstance(limit, float) and limit.is_integer():
        return str(int(limit))
    return str(limit)


def _message(
    definition: spec.DefinitionLike, name: str, prop: dict[str, Any], error: SchemaValidationError
) -> str:
    kind, limit = str(error.validator), error.validator_value
    if kind == "type":
        return {
            "integer": _("Enter a whole number."),
            "number": _("Enter a number."),
            "boolean": _("Choose yes or no."),
            "array": _("Choose from the options shown."),
        }.get(str(limit), _("Enter text."))
    if kind == "minLength":
        return ngettext(
            "Enter at least %(limit)d character.", "Enter at least %(limit)d characters.", limit
        ) % {"limit": limit}
    if kind == "maxLength":
        return ngettext(
            "Enter at most %(limit)d character.", "Enter at most %(limit)d characters.", limit
        ) % {"limit": limit}
    if kind == "pattern":
        custom = spec.localized(spec.field_hints(definition, name), "pattern_error")
        return custom or _("This is not in the expected format.")
    if kind == "minimum":
        return _("Enter a number of at least %(limit)s.") % {"limit": _number(limit)}
    if kind == "maximum":
        return _("Enter a number of at most %(limit)s.") % {"limit": _number(limit)}
    if kind == "enum":
        return _("Choose one of the options shown.")
    if kind == "minItems":
        return ngettext(
            "Choose at least %(limit)d option.", "Choose at least %(limit)d options.", limit
        ) % {"limit": limit}
    if kind == "maxItems":
        return ngettext(
            "Choose at most %(limit)d option.", "Choose at most %(limit)d options.", limit
        ) % {"limit": limit}
    if kind == "format":
        return _format_message(str(limit), error)
    if kind in spec.DATE_BOUNDS:
        return _date_bound_message(kind, limit)
    if kind == spec.HOLDER_SEX:
        if limit == "female":
            return _("This identity number is a man's; enter a woman's.")
        return _("This identity number is a woman's; enter a man's.")
    return _("This answer is not valid.")


def _date_bound_message(keyword: str, bound: Any) -> str:
    # In ISO form, as the applicant types dates and as the examples show them.
    if keyword == "notBefore":
        if bound == spec.TODAY:
            return _("Enter a date no earlier than today.")
        return _("Enter a date no earlier than %(date)s.") % {"date": bound}
    if bound == spec.TODAY:
        return _("Enter a date no later than today.")
    return _("Enter a date no later than %(date)s.") % {"date": bound}


def _format_message(format_name: str, error: SchemaValidationError) -> str:
    cause = error.cause
    if format_name in ("cn-id", "cn-uscc", "cn-bank-account") and isinstance(
        cause, ValidationError
    ):
        return str(cause.messages[0])
    if format_name == "date":
        return _("Enter a real date, for example 2024-03-07.")
    if format_name == "email":
        return _("Enter an email address like name@example.com.")
    return _("This answer is not valid.")
