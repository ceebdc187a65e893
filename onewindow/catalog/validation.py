"""Checking one item's guide, given as the catalog's JSON/Excel shape, field by field.

Import, the back office and the demo loader all go through ``clean_item``, so a rule
holds the same way wherever an item comes from. Errors are collected, not raised one
at a time, so an import can report every problem of every row at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from onewindow.catalog.choices import (
    Audience,
    Channel,
    ItemKind,
    MaterialForm,
    MaterialSource,
    OnlineLevel,
)
from onewindow.catalog.models import ITEM_CODE_PATTERN
from onewindow.core.errors import FieldErrors as Errors
from onewindow.core.text_input import (
    AT_MOST_CHARACTERS,
    Path,
    control_character_fields,
    without_control_characters,
)

REQUIRED_TEXT = ("name", "name_en", "legal_basis", "conditions")
OPTIONAL_TEXT = (
    "summary",
    "summary_en",
    "legal_basis_en",
    "conditions_en",
    "fee_basis",
    "fee_basis_en",
    "keywords",
)
# Those of the database's columns; an item's and a material's fields share the names.
TEXT_LIMITS = {
    "name": 120,
    "name_en": 200,
    "keywords": 300,
    "certificate_type": 80,
    "certificate_type_en": 160,
    "notes": 300,
    "notes_en": 500,
    # The guide's long texts: a column without a limit, but no guide needs pages of it,
    # and 200,000 characters were taken (QA).
    **dict.fromkeys(
        (n for n in (*REQUIRED_TEXT, *OPTIONAL_TEXT) if n not in ("name", "name_en", "keywords")),
        5000,
    ),
}
# An office's and a question's texts, as the guide lists them.
ENTRY_LIMITS = {
    "address": 200,
    "address_en": 400,
    "hours": 200,
    "hours_en": 400,
    "phone": 40,
    "q": 200,
    "q_en": 400,
    "a": 2000,
    "a_en": 4000,
}
# A number to call: with an area code (021-12345678, extension -801), a hotline (12345,
# 96777), a mobile (13812345678) or a 400 number (400-820-8820). Spaces aside.
PHONE_NUMBER = re.compile(r"(?:0\d{2,3}-?)?\d{3,8}(?:-\d{1,6})?|1\d{10}|400-?\d{3}-?\d{4}")
OFFICE_KEYS = {"address", "address_en", "hours", "hours_en", "phone"}
FAQ_KEYS = ("q", "a", "q_en", "a_en")
# How an error names an entry's field: ``materials[2].source_department`` →
# ("materials", "2", "source_department"); ``faq[0].a``; ``offices[1].address``;
# ``materials[2]`` (the entry).
ENTRY_KEY = re.compile(r"^(materials|faq|offices)\[(\d+)\](?:\.(\w+))?$")


@dataclass
class CleanItem:
    code: str
    department: str
    values: dict[str, Any]
    co_departments: list[str]
    topics: list[str]
    materials: list[dict[str, Any]]


def _text(data: dict[str, Any], name: str, errors: Errors, *, required: bool) -> str:
    return errors.text(data.get(name, ""), name, required=required, limit=TEXT_LIMITS.get(name))


def _integer(data: dict[str, Any], name: str, errors: Errors, low: int, high: int) -> int:
    value = data.get(name)
    if isinstance(value, bool) or value is None or value == "":
        errors.add(
            name,
            _("This field is required.") if value in (None, "") else _("Must be a whole number."),
        )
        return 0
    try:
        number = int(value) if not isinstance(value, float) or value.is_integer() else None
    except (TypeError, ValueError):
        number = None
    if number is None:
        errors.add(name, _("Must be a whole number."))
        return 0
    if not low <= number <= high:
        errors.add(name, _("Must be between %(low)d and %(high)d.") % {"low": low, "high": high})
    return number


def _boolean(data: dict[str, Any], name: str, errors: Errors) -> bool:
    value = data.get(name)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "yes", "1", "是"}:
        return True
    if isinstance(value, str) and value.strip().lower() in {"false", "no", "0", "否"}:
        return False
    errors.add(name, _("Must be true or false."))
    return False


def _choice(data: dict[str, Any], name: str, allowed: list[str], errors: Errors) -> str:
    value = data.get(name)
    if value not in allowed:
        errors.add(name, _("Must be one of: %(choices)s.") % {"choices": ", ".join(allowed)})
        return ""
    return str(value)


def _code_list(data: dict[str, Any], name: str, errors: Errors) -> list[str]:
    value = data.get(name) or []
    if isinstance(value, str):  # Excel cells hold comma-separated codes
        value = [part.strip() for part in re.split(r"[,，;；\s]+", value) if part.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors.add(name, _("Must be a list of codes."))
        return []
    return value


def _json_list(data: dict[str, Any], name: str, keys: set[str], errors: Errors) -> list[Any]:
    value = data.get(name) or []
    if not isinstance(value, list) or not all(
        isinstance(entry, dict) and set(entry) <= keys for entry in value
    ):
        errors.add(
            name,
            _("Must be a list of objects with the keys %(keys)s.")
            % {"keys": ", ".join(sorted(keys))},
        )
        return []
    return value


def clean_material(entry: Any, index: int, errors: Errors) -> dict[str, Any]:
    prefix = f"materials[{index}]."
    if not isinstance(entry, dict):
        errors.add(f"materials[{index}]", _("Must be an object."))
        return {}
    sub = Errors()
    material = {
        "name": _text(entry, "name", sub, required=True),
        "name_en": _text(entry, "name_en", sub, required=False),
        "form": _choice(entry, "form", MaterialForm.values, sub),
        "count": _integer({"count": entry.get("count", 1)}, "count", sub, 1, 99),
        "source": _choice(entry, "source", MaterialSource.values, sub),
        "source_department": entry.get("source_department") or None,
        "certificate_type": _text(entry, "certificate_type", sub, required=False),
        "certificate_type_en": _text(entry, "certificate_type_en", sub, required=False),
        "required": _boolean({"required": entry.get("required", True)}, "required", sub),
        "notes": _text(entry, "notes", sub, required=False),
        "notes_en": _text(entry, "notes_en", sub, required=False),
    }
    passed = {name: value for name, value in material.items() if name not in sub.fields}
    for name, messages in material_rules(passed).fields.items():
        for message in messages:
            sub.add(name, message)
    for name, messages in sub.fields.items():
        for message in messages:
            errors.add(prefix + name, message)
    return material


# --- rules between fields ------------------------------------------------------------
# Each takes the values that passed their own checks, by name, and says nothing about a
# field missing there: its own error says enough. ``clean_item`` applies them after the
# fields' checks; the guide editor applies them to what its page could read when other
# fields are wrong, so that the editor learns of every problem in one round.


def item_rules(values: Mapping[str, Any]) -> Errors:
    """The rules between an item's fields (not its materials')."""
    errors = Errors()

    def known(*names: str) -> bool:
        return all(name in values for name in names)

    code, department = values.get("code") or "", values.get("department") or ""
    if code and department and not code.startswith(f"{department}-"):
        errors.add("code", _("The code must start with the responsible department's code."))
    if (
        known("statutory_limit_days", "promised_limit_days")
        and values["promised_limit_days"] > values["statutory_limit_days"]
    ):
        errors.add(
            "promised_limit_days", _("The promised time limit cannot exceed the statutory one.")
        )
    if (
        known("online_level", "max_visits")
        and values["online_level"] == OnlineLevel.FULLY_ONLINE
        and values["max_visits"] != 0
    ):
        errors.add("max_visits", _("An entirely online (L5) service needs no visit."))
    if known("is_free", "fee_amount"):
        if values["is_free"] and values["fee_amount"] != 0:
            errors.add("fee_amount", _("A free service has no fee."))
        if not values["is_free"] and values["fee_amount"] <= 0:
            errors.add("fee_amount", _("Give the fee of a paid service."))
    if known("is_free", "fee_basis") and not values["is_free"] and not values["fee_basis"]:
        errors.add("fee_basis", _("Give the legal basis of the fee."))
    return errors


def material_rules(values: Mapping[str, Any]) -> Errors:
    """The rules between a material's fields."""
    errors = Errors()
    source = values.get("source")
    if (
        "source_department" in values
        and source in (MaterialSource.DEPARTMENT, MaterialSource.CERTIFICATE)
        and not values["source_department"]
    ):
        errors.add("source_department", _("Name the department the material comes from."))
    if (
        "certificate_type" in values
        and source == MaterialSource.CERTIFICATE
        and not values["certificate_type"]
    ):
        errors.add("certificate_type", _("Name the e-certificate type."))
    return errors


def faq_rules(values: Mapping[str, Any]) -> Errors:
    """The rules of one question and answer: it needs both the question and its answer
    (the guide shows a question over an empty answer otherwise). The English pair may
    be missing, as the guide then shows the Chinese, but not half of it."""
    errors = Errors()
    for name in ("q", "a"):
        value = values.get(name)
        if name in values and (value is None or (isinstance(value, str) and not value.strip())):
            errors.add(name, _("This field is required."))
    # In English both or neither: an English question over a Chinese answer reads as a
    # page half translated.
    english = {name: str(values.get(name) or "").strip() for name in ("q_en", "a_en")}
    if any(english.values()):
        for name, text in english.items():
            if not text:
                errors.add(name, _("Give the question and its answer in English, or neither."))
    _entry_limits(values, errors)
    return errors


def _entry_limits(values: Mapping[str, Any], errors: Errors) -> None:
    for name, value in values.items():
        limit = ENTRY_LIMITS.get(name)
        if limit is None or value is None:
            continue
        if not isinstance(value, str):
            errors.add(name, _("Must be text."))
        elif len(value.strip()) > limit:
            errors.add(name, AT_MOST_CHARACTERS % {"limit": limit})


def office_rules(values: Mapping[str, Any]) -> Errors:
    """The rules of one office: it needs its address. The guide lists an office by its
    address (an English page too, when the office has no English one), so an office with
    only a phone or opening hours would be listed as an empty line."""
    errors = Errors()
    address = values.get("address")
    if "address" in values:
        if address is not None and not isinstance(address, str):
            errors.add("address", _("Must be text."))
        elif not (address or "").strip():
            errors.add("address", _("Give the office's address."))
    _entry_limits({k: v for k, v in values.items() if k != "address" or isinstance(v, str)}, errors)
    phone = values.get("phone")
    if (
        isinstance(phone, str)
        and phone.strip()
        and "phone" not in errors.fields
        and not PHONE_NUMBER.fullmatch("".join(phone.split()))
    ):
        errors.add("phone", PHONE_RULE)
    return errors


PHONE_RULE = _("Enter a number to call, such as 021-12345678, 12345 or 13812345678.")


def _entry_name(path: Path) -> str:
    """A place in an item as its errors name it: ``name``, ``offices[1].address``,
    ``materials[2].notes`` (which the import reports at the material's own row),
    ``topics[0]``."""
    name = ""
    for part in path:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name


def _without_control_characters(data: dict[str, Any], errors: Errors) -> dict[str, Any]:
    """``data`` with every text holding a control character (``core.text_input``),
    however deep (an office's, a material's), reported to ``errors`` and then read
    without them: the item's other checks judge the rest as they would otherwise, and
    say nothing more of the same text, and no code holding a NUL reaches a query
    (PostgreSQL refuses it). The item is not saved, as it has errors."""
    fields = control_character_fields(data, name=_entry_name)
    if not fields:
        return data
    for name, messages in fields.items():
        for message in messages:
            errors.add(name, message)
    return _stripped(data)


def _stripped(value: Any) -> Any:
    if isinstance(value, str):
        return without_control_characters(value)
    if isinstance(value, dict):
        return {key: _stripped(child) for key, child in value.items()}
    if isinstance(value, list):
        return [_stripped(child) for child in value]
    return value


def clean_item(data: Any) -> tuple[CleanItem | None, Errors]:
    """Check one item; returns the cleaned item, or None and the field errors.

    Department and topic codes are checked for shape here and for existence by the
    caller, which knows the database.
    """
    item, errors = read_item(data)
    return (None if errors else item), errors


def read_item(data: Any) -> tuple[CleanItem | None, Errors]:
    """``clean_item``, with the item as far as its fields passed even when some did not
    (None only for what is not an object): its codes are then still looked up, so that
    an unknown department is reported with the row's other problems, in one round."""
    errors = Errors()
    if not isinstance(data, dict):
        errors.add("__all__", _("Each item must be an object."))
        return None, errors
    data = _without_control_characters(data, errors)
    code = data.get("code")
    if not isinstance(code, str) or not re.match(ITEM_CODE_PATTERN, code):
        errors.add("code", _("Use a code like 310000-GA-XK-0001 (department, kind, number)."))
        code = ""
    department = data.get("department")
    if not isinstance(department, str) or not department:
        errors.add("department", _("This field is required."))
        department = ""
    values: dict[str, Any] = {}
    for name in REQUIRED_TEXT:
        values[name] = _text(data, name, errors, required=True)
    for name in OPTIONAL_TEXT:
        values[name] = _text(data, name, errors, required=False)
    values["kind"] = _choice(data, "kind", ItemKind.values, errors)
    values["audience"] = _choice(data, "audience", Audience.values, errors)
    values["statutory_limit_days"] = _integer(data, "statutory_limit_days", errors, 0, 365)
    values["promised_limit_days"] = _integer(data, "promised_limit_days", errors, 0, 365)
    values["online_level"] = _integer(
        data, "online_level", errors, OnlineLevel.INFORMATION, OnlineLevel.FULLY_ONLINE
    )
    values["max_visits"] = _integer(data, "max_visits", errors, 0, 2)
    values["is_free"] = _boolean(data, "is_free", errors)
    try:
        fee = Decimal(str(data.get("fee_amount", "0") or "0"))
        if not fee.is_finite() or fee < 0 or fee >= Decimal("100000000"):
            raise InvalidOperation
    except InvalidOperation:
        errors.add("fee_amount", _("Must be an amount in yuan, such as 20 or 20.50."))
        fee = Decimal("0")
    values["fee_amount"] = fee.quantize(Decimal("0.01"))
    passed = {"code": code, "department": department, **values}
    for name, messages in item_rules(
        {name: value for name, value in passed.items() if name not in errors.fields}
    ).fields.items():
        for message in messages:
            errors.add(name, message)
    channels = data.get("channels") or []
    if isinstance(channels, str):
        channels = [c.strip() for c in re.split(r"[,，;；\s]+", channels) if c.strip()]
    if not isinstance(channels, list) or not set(channels) <= set(Channel.values):
        errors.add(
            "channels",
            _("Must be one or more of: %(choices)s.") % {"choices": ", ".join(Channel.values)},
        )
        channels = []
    values["channels"] = channels
    values["offices"] = _json_list(data, "offices", OFFICE_KEYS, errors)
    for index, entry in enumerate(values["offices"]):
        # An entry may leave a key out; an address it leaves out is missing.
        for name, messages in office_rules({"address": "", **entry}).fields.items():
            for message in messages:
                errors.add(f"offices[{index}].{name}", message)
    values["faq"] = _json_list(data, "faq", set(FAQ_KEYS), errors)
    for index, entry in enumerate(values["faq"]):
        # An entry may leave a key out; a question or an answer it leaves out is missing.
        for name, messages in faq_rules({"q": "", "a": "", **entry}).fields.items():
            for message in messages:
                errors.add(f"faq[{index}].{name}", message)
    co_departments = _code_list(data, "co_departments", errors)
    topics = _code_list(data, "topics", errors)
    raw_materials = data.get("materials") or []
    if not isinstance(raw_materials, list):
        errors.add("materials", _("Must be a list."))
        raw_materials = []
    materials = [clean_material(entry, i, errors) for i, entry in enumerate(raw_materials)]
    return CleanItem(code, department, values, co_departments, topics, materials), errors
