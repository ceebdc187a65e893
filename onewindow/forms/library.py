"""Reads for the forms' back office: every form by key with its newest version, a key's
versions and what uses each (``form_uses``: the catalog's items, without this platform
app importing them), a version's materials to upload, and a version as the file it can
be uploaded from again. Definitions are not secret (a service guide shows its form):
every department admin sees them all, as they choose one for their items."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from onewindow.core.backoffice import KeyRow, newest_of_each_key
from onewindow.core.uses import Uses
from onewindow.forms.filetypes import slot_max_mb, type_labels
from onewindow.forms.models import FormDefinition

# What a definition file holds (``definitions/*.json``, the API's body): each entry's
# type, and whether a file may leave it out (the stored default is then used).
FILE_ENTRIES: dict[str, tuple[type, bool]] = {
    "key": (str, True),
    "title": (str, True),
    "title_en": (str, False),
    "schema": (dict, True),
    "layout": (dict, True),
    "attachments": (list, False),
}

_CONTENT = ("schema", "layout", "attachments")

# The service items bound to each version (the catalog registers them).
form_uses = Uses()


def forms() -> list[KeyRow[FormDefinition]]:
    """Each form's newest version (without its questions), by key."""
    return newest_of_each_key(FormDefinition, leave_out=_CONTENT)


def versions_of(key: str) -> QuerySet[FormDefinition]:
    """A form's versions, newest first, without their questions."""
    return (
        FormDefinition.objects.filter(key=key)
        .select_related("created_by")
        .defer(*_CONTENT)
        .order_by("-version")
    )


@dataclass(frozen=True)
class MaterialRow:
    """One upload slot as the back office lists it; ``slot`` is the stored dict, whose
    ``label`` and ``label_en`` the template picks from (``localized_marked``)."""

    slot: dict[str, Any]

    @property
    def key(self) -> str:
        return str(self.slot.get("key") or "")

    @property
    def required(self) -> bool:
        return bool(self.slot.get("required"))

    @property
    def types(self) -> str:
        return type_labels([str(t) for t in self.slot.get("types") or []])

    @property
    def max_mb(self) -> int | float:
        """The size limit in MB, as the applicant's form states it (never above the
        platform's own limit)."""
        size = slot_max_mb(self.slot)  # a published definition's slot always has one
        return int(size) if size.is_integer() else size


def materials(definition: FormDefinition) -> list[MaterialRow]:
    return [MaterialRow(slot) for slot in definition.attachments or []]


def file_name(definition: FormDefinition) -> str:
    return f"{definition.key}-v{definition.version}.json"


def as_file(definition: FormDefinition) -> str:
    """The version as a definition file (the shape of ``definitions/*.json``): uploaded
    again, it gives a version with the same content and fingerprint."""
    document = {
        "key": definition.key,
        "title": definition.title,
        "title_en": definition.title_en,
        "schema": definition.schema,
        "layout": definition.layout,
        "attachments": definition.attachments,
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
