"""A draft of a service item's guide beside its published version, row by row, as the
item's back-office page shows them to the editors and the reviewer: what the review is
asked to approve."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from onewindow.catalog import transfer
from onewindow.catalog.choices import (
    MAX_VISITS_CHOICES,
    Audience,
    Channel,
    ItemKind,
    MaterialForm,
    MaterialSource,
    OnlineLevel,
)
from onewindow.catalog.forms import FaqForm, ItemForm, MaterialRowForm, OfficeForm
from onewindow.catalog.models import ServiceItemVersion
from onewindow.core.templatetags.onewindow import localized
from onewindow.forms.models import FormDefinition
from onewindow.identity.models import Department
from onewindow.workflow.models import ProcessDefinition


@dataclass(frozen=True)
class Compared:
    label: str
    published: str
    draft: str
    # Choices' labels, which quote their Chinese terms ("Administrative licensing
    # (行政许可)"): an English page marks those terms as Chinese, and the rest of a cell,
    # text of the guide, as Chinese whole when it has any.
    terms: bool = False

    @property
    def changed(self) -> bool:
        return self.published != self.draft


# The fields of the item dict that hold choices, and their labels.
CHOICE_LABELS: dict[str, Any] = {
    "kind": ItemKind,
    "audience": Audience,
    "online_level": OnlineLevel,
    "channels": Channel,
    "max_visits": dict(MAX_VISITS_CHOICES),
}


def _shown(name: str, value: Any) -> str:
    """A value of the item dict as the comparison table shows it."""
    if value in (None, "", []):
        return "—"
    separator = pgettext("list separator", ", ")
    if name in CHOICE_LABELS:
        lookup = CHOICE_LABELS[name]
        values = value if isinstance(value, list) else [value]
        return separator.join(
            str(lookup[v] if isinstance(lookup, dict) else lookup(v).label) for v in values
        )
    if name == "is_free":
        return _("Yes") if value else _("No")
    entries = pgettext("separator of longer entries", "; ")  # ； in Chinese
    if name == "materials":
        return entries.join(m["name"] for m in value)
    if name == "offices":
        return entries.join(o.get("address") or o.get("address_en") or "—" for o in value)
    if name == "faq":
        return entries.join(f.get("q") or f.get("q_en") or "—" for f in value)
    if isinstance(value, list):
        return separator.join(value)
    return str(value)


def compared(
    published: ServiceItemVersion | None, draft: ServiceItemVersion | None
) -> list[Compared]:
    """The draft beside the published version, field by field, as the item's back-office
    page shows them: every field of the guide, its entries' texts, and the form and
    process it binds."""
    before = transfer.version_as_dict(published) if published else {}
    after = transfer.version_as_dict(draft) if draft else {}
    # Topics and co-handling departments by their names in the reader's language, not
    # their codes.
    names = {
        key: {o.code: localized(o) for v in (published, draft) if v for o in getattr(v, key).all()}
        for key in ("topics", "co_departments")
    }
    for data in (before, after):
        for key, by_code in names.items():
            if key in data:
                data[key] = [by_code.get(code, code) for code in data[key]]
    rows = []
    for name, field in ItemForm.base_fields.items():
        if name not in ("code", "department"):
            rows.append(
                Compared(
                    str(field.label),
                    _shown(name, before.get(name)),
                    _shown(name, after.get(name)),
                    terms=name in CHOICE_LABELS,
                )
            )
    for name, label, row_form in (
        ("offices", _("Offices"), OfficeForm),
        ("faq", _("Questions and answers"), FaqForm),
        ("materials", _("Materials"), MaterialRowForm),
    ):
        rows.append(Compared(label, _shown(name, before.get(name)), _shown(name, after.get(name))))
        rows += _entry_texts(label, row_form, before.get(name) or [], after.get(name) or [])
    # Not part of the guide's dict (nor of its export), but published by the same review.
    for attribute, label in (("form", _("Application form")), ("process", _("Process"))):
        rows.append(
            Compared(
                label,
                _definition(getattr(published, attribute, None)),
                _definition(getattr(draft, attribute, None)),
            )
        )
    return rows


# What of the entries the summary rows (which name each entry) do not show: a material's
# form, copies, source and whether it is required are what the applicant must bring, and
# a reviewer approves a change to them as to any other (they were left out, unseen).
ENTRY_TEXTS: dict[type[Any], tuple[str, ...]] = {
    OfficeForm: ("address_en", "hours", "hours_en", "phone"),
    FaqForm: ("a", "q_en", "a_en"),
    # Every column of a material the export has, but its item's code and its name.
    MaterialRowForm: tuple(c for c in transfer.MATERIAL_COLUMNS if c not in ("item_code", "name")),
}
# Entries' values shown by their labels.
ENTRY_CHOICES: dict[str, Any] = {"form": MaterialForm, "source": MaterialSource}


def _entry_texts(
    label: str, row_form: type[Any], before: list[dict[str, Any]], after: list[dict[str, Any]]
) -> list[Compared]:
    """One row per text of the entries (an office's hours, a material's notes...), entry
    by entry, so that a change there shows too; left out when neither version has any."""
    rows = []
    entries = pgettext("separator of longer entries", "; ")
    codes = {e.get("source_department") for e in [*before, *after]} - {None, ""}
    # Source departments by their names in the reader's language (one read for all).
    named = (
        {d.code: localized(d) for d in Department.objects.filter(code__in=codes)} if codes else {}
    )
    for key in ENTRY_TEXTS[row_form]:
        if not any(entry.get(key) not in (None, "") for entry in [*before, *after]):
            continue
        rows.append(
            Compared(
                f"{label} · {row_form.base_fields[key].label}",
                entries.join(_entry_value(key, entry.get(key), named) for entry in before) or "—",
                entries.join(_entry_value(key, entry.get(key), named) for entry in after) or "—",
                terms=key in ENTRY_CHOICES,
            )
        )
    return rows


def _entry_value(key: str, value: Any, departments: dict[str, str]) -> str:
    if value in (None, ""):
        return "—"
    if key in ENTRY_CHOICES:
        return str(ENTRY_CHOICES[key](value).label)
    if key == "required":
        return _("Yes") if value else _("No")
    if key == "source_department":
        return departments.get(value, str(value))
    return str(value)


def _definition(definition: FormDefinition | ProcessDefinition | None) -> str:
    return str(definition) if definition else "—"
